#!/usr/bin/python3
"""Loads the HTML report of a failing campaign in headless Chromium and asserts what a reviewer
needs is there: no console errors, no network requests, the verdict, the diagnosis, the
heatmaps, the convergence plot and the replay command. Keeps a screenshot under OUTDIR.

usage: html_in_chromium.py GRADFUZZ OUTDIR
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

gradfuzz, outdir = sys.argv[1:3]
chromium = shutil.which("chromium") or shutil.which("chromium-browser")
if not chromium:
    print("chromium is not installed: run setup.sh (it installs Debian's chromium)")
    sys.exit(1)
os.makedirs(outdir, exist_ok=True)
html = os.path.join(outdir, "failing-report.html")
run = subprocess.run([gradfuzz, "check", "--builtin", "sigmoid_derivative_for_tanh", "--seed", "3",
                      "--html", html, "-q"], capture_output=True, text=True)
assert run.returncode == 1, run.stdout + run.stderr

flags_base = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
              "--disable-background-networking", "--disable-component-update", "--disable-sync",
              "--enable-logging=stderr", "--v=0"]


def load(page, netlog, extra=()):
    """Loads a page; returns (dom, stderr, URLs the page itself asked for)."""
    profile = tempfile.mkdtemp(prefix="gradfuzz-chromium-")
    flags = flags_base + ["--user-data-dir=" + profile, "--log-net-log=" + netlog, *extra]
    got = subprocess.run([chromium, *flags, "--virtual-time-budget=2000", "--dump-dom",
                          "file://" + os.path.abspath(page)], capture_output=True, text=True,
                         timeout=120)
    shutil.rmtree(profile, ignore_errors=True)
    asked = set()
    # The browser itself phones home (updates, accounts): those requests carry no origin.
    # A request the page made carries the page's origin (file pages: "null" or "file://").
    for event in json.load(open(netlog)).get("events", []):
        params = event.get("params") or {}
        url = params.get("url")
        if isinstance(url, str) and "initiator" in params and params["initiator"] != "not an origin":
            if not url.startswith(("file:", "data:", "about:", "chrome:")):
                asked.add(url)
    return got.stdout, got.stderr, asked


# The detector must see a request when a page makes one, or its silence proves nothing.
control = os.path.join(outdir, "control.html")
with open(control, "w") as f:
    f.write('<!DOCTYPE html><html><body><img src="http://127.0.0.1:9/probe.png"></body></html>')
_, _, control_asked = load(control, os.path.join(outdir, "control-netlog.json"))

page, stderr, asked = load(html, os.path.join(outdir, "netlog.json"))
url = "file://" + os.path.abspath(html)
shot = os.path.join(outdir, "failing-report.png")
profile = tempfile.mkdtemp(prefix="gradfuzz-chromium-")
subprocess.run([chromium, *flags_base, "--user-data-dir=" + profile, "--window-size=1280,2200",
                "--screenshot=" + shot, url], capture_output=True, text=True, timeout=120)
shutil.rmtree(profile, ignore_errors=True)

checks = []
def check(name, ok, detail=""):
    checks.append(ok)
    print(("ok   " if ok else "FAIL ") + name + ("" if ok else ": " + detail))

console = [l for l in stderr.splitlines() if "CONSOLE" in l]
check("no console errors", not any("rror" in l or "Uncaught" in l for l in console), "\n".join(console))
check("the request detector sees a page's request", any("127.0.0.1:9" in u for u in control_asked),
      ", ".join(sorted(control_asked)))
check("no network requests", not asked, ", ".join(sorted(asked)))
source = open(html).read()
check("no external references in the file",
      not any(m in source for m in ('src="http', "src='http", 'href="http', "url(http", "@import")))
check("verdict", 'id="verdict"' in page and "FAILED" in page)
check("diagnosis", 'class="diagnosis"' in page and "activation_derivative" in page)
check("heatmaps", page.count('class="heatmap"') >= 4)
check("convergence plot", 'class="convergence"' in page)
check("replay command", "gradfuzz replay &apos;v1;" in page or "gradfuzz replay 'v1;" in page)
check("screenshot kept", os.path.getsize(shot) > 10000 if os.path.exists(shot) else False, shot)
failed = checks.count(False)
print(f"{len(checks) - failed} passed, {failed} failed")
sys.exit(1 if failed else 0)
