"""`passerelle report` end to end: the page is self-contained, escapes what
it reads from the file, and renders in headless Chromium with its figures."""
import html.parser
import os
import re
import shutil
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

common.require("numpy", "pandas", "h5py", "matplotlib")
CHROMIUM = next((shutil.which(c) for c in ("chromium", "chromium-browser", "google-chrome") if shutil.which(c)), None)
if not CHROMIUM:
    print("SKIP: no chromium to render the report")
    sys.exit(common.SKIP)
common.setup_paths()


class Dom(html.parser.HTMLParser):
    """Text and tags of a page, the text unescaped as a reader sees it."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.text, self.tags = [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def chromium(tmp, *args):
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             "--disable-dev-shm-usage", f"--user-data-dir={os.path.join(tmp, 'chromium-profile')}"]
    return subprocess.run([CHROMIUM, *flags, *args], capture_output=True, text=True, timeout=120)


class ReportTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp, results = common.make_run()
        cls.out = os.path.join(cls.tmp.name, "report.html")
        env = dict(os.environ, PASSERELLE_PYTHON=sys.executable)
        r = subprocess.run([common.binary(), "report", results, "-o", cls.out], capture_output=True, text=True,
                           env=env, timeout=300)
        if r.returncode != 0:
            raise AssertionError(f"passerelle report failed ({r.returncode}):\n{r.stdout}\n{r.stderr}")
        with open(cls.out, encoding="utf-8") as f:
            cls.source = f.read()

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_self_contained_and_escaped(self):
        s = self.source
        self.assertNotRegex(s.lower(), r"<script", "no script at all, least of all one from the file")
        self.assertNotRegex(s, r"<link|@import|url\(", "no external stylesheet or font")
        for m in re.finditer(r"""\bsrc\s*=\s*["']([^"']*)""", s):
            self.assertTrue(m.group(1).startswith("data:"), m.group(1)[:60])
        self.assertIn("&lt;script&gt;alert(1)&lt;/script&gt;", s)
        self.assertGreaterEqual(s.count("data:image/png;base64,"), 6)

    def test_unreadable_file_is_invalid_input(self):
        bad = os.path.join(self.tmp.name, "bad.h5")
        with open(bad, "w") as f:
            f.write("not hdf5")
        r = subprocess.run([common.binary(), "report", bad, "-o", os.path.join(self.tmp.name, "bad.html")],
                           capture_output=True, text=True, env=dict(os.environ, PASSERELLE_PYTHON=sys.executable),
                           timeout=120)
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn("bad.h5", r.stderr)

    def test_renders_in_chromium(self):
        r = chromium(self.tmp.name, "--dump-dom", "file://" + self.out)
        self.assertEqual(r.returncode, 0, r.stderr[-2000:])
        dom = Dom()
        dom.feed(r.stdout)
        text = " ".join(dom.text)
        # The scenario name and description are there, as text.
        self.assertIn(common.XSS_DESCRIPTION, text)
        self.assertIn(common.XSS_NAME, text)
        self.assertNotIn("script", [t for t, _ in dom.tags])
        for heading in ("Experiment", "Results by scenario", "Comparison with the baseline", "GP hours freed per year",
                        "Week by week", "By need type", "By precarity", "By rurality", "Ties between GPs",
                        "Sensitivity", "analysis-test"):
            self.assertIn(heading, text)
        imgs = [a for t, a in dom.tags if t == "img"]
        self.assertGreaterEqual(len(imgs), 6)

    def test_screenshot_is_not_blank(self):
        png = os.path.join(self.tmp.name, "shot.png")
        r = chromium(self.tmp.name, f"--screenshot={png}", "--window-size=1200,2400", "file://" + self.out)
        self.assertEqual(r.returncode, 0, r.stderr[-2000:])
        import matplotlib.image as mpimg
        import numpy as np
        img = mpimg.imread(png)[..., :3]
        # Text, tables and plots: many pixels far from the background, in colour too.
        background = np.median(img.reshape(-1, 3), axis=0)
        ink = np.abs(img - background).sum(axis=2) > 0.3
        self.assertGreater(ink.mean(), 0.02)
        colourful = (img.max(axis=2) - img.min(axis=2)) > 0.3
        self.assertGreater(colourful.sum(), 1000)


if __name__ == "__main__":
    unittest.main()
