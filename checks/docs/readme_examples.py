"""Runs the README's examples as a new user would: from the project root of a clean copy.

    /usr/bin/python3 checks/docs/readme_examples.py SOURCE_DIR BUILD_DIR [README]

Every fenced code block of the README is preceded by a marker saying what it is:

    <!-- runnable: exit 0 -->        a sh block: each command (a line, with its \\ continuations)
                                     runs through bash, one after another, in the copy's root
    <!-- runnable: exit 0,0,1,0 -->  the same, with each command's exit status in order
    <!-- runnable: exit 0 -->        a python block: the whole block runs through /usr/bin/python3
    <!-- runnable: file NAME -->     the block is saved as NAME in the copy's root (a later
                                     block runs it), and must be valid Python when NAME is *.py
    <!-- runnable: output exit 1 --> a transcript: each `$ ` line runs through bash; the lines
                                     after it are its output (stdout, then stderr), line for
                                     line from the first; `...` inside a line stands for any
                                     text, a line of only `...` for any lines (none included);
                                     the output may not go on past the sample unless it ends
                                     with `...`
    <!-- not run: WHY -->            said why (a CI workflow, the test suite itself, ...)

A block without a marker fails the test: a new example must say whether it runs. The copy holds
the files git tracks or would track (so an uncommitted change is tested too) and `build`, a link
to BUILD_DIR. Commands run without PYTHONPATH, so an example must say how it finds the helper.
The README's links and the project paths it names in backquotes must exist in the project, and
none may lead outside it (../).
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile

TIMEOUT = 600  # seconds per command: the slowest example is a selftest under a loaded CI
PATH_PREFIXES = ("lib/", "reports/", "cli/", "checks/", "fuzz/", "adapters/", "docs/",
                 "examples/", "bench/", ".ci/", "cmake/")


class Block:
    def __init__(self, line, lang, text, marker):
        self.line, self.lang, self.text, self.marker = line, lang, text, marker

    def where(self):
        return "README line %d" % self.line


def blocks(readme_text):
    """The fenced code blocks, each with the marker comment on the nearest line above it."""
    out, lines = [], readme_text.split("\n")
    i = 0
    while i < len(lines):
        fence = re.match(r"^(\s*)```(\S*)\s*$", lines[i])
        if not fence:
            i += 1
            continue
        start, lang = i, fence.group(2)
        i += 1
        body = []
        while i < len(lines) and not re.match(r"^\s*```\s*$", lines[i]):
            body.append(lines[i])
            i += 1
        i += 1
        above = start - 1
        while above >= 0 and not lines[above].strip():
            above -= 1
        marker = None
        if above >= 0:
            m = re.match(r"^\s*<!--\s*(runnable:|not run:)\s*(.*?)\s*-->\s*$", lines[above])
            if m:
                marker = (m.group(1)[:-1], m.group(2))
        out.append(Block(start + 1, lang, "\n".join(body) + "\n", marker))
    return out


def commands(text):
    """Shell commands of a block: a line with its backslash continuations; comments dropped."""
    out, current = [], ""
    for line in text.split("\n"):
        if not current and (not line.strip() or line.lstrip().startswith("#")):
            continue
        current += line + "\n"
        if not line.rstrip().endswith("\\"):
            out.append(current)
            current = ""
    if current:
        out.append(current)
    return out


def parse_statuses(words, count, where):
    statuses = [int(s) for s in words.split(",")]
    if len(statuses) == 1:
        statuses *= count
    if len(statuses) != count:
        raise ValueError("%s: the marker gives %d exit statuses for %d commands"
                         % (where, len(statuses), count))
    return statuses


def line_matches(expected, actual):
    pattern = ".*".join(re.escape(part) for part in expected.split("..."))
    return re.fullmatch(pattern, actual) is not None


def output_matches(expected_lines, actual_lines):
    """Whether actual_lines is expected_lines with each `...` line standing for any lines."""
    expected = [line.rstrip() for line in expected_lines]
    actual = [line.rstrip() for line in actual_lines]
    while actual and not actual[-1]:
        actual.pop()
    while expected and not expected[-1]:
        expected.pop()

    memo = {}

    def match(e, a):
        if (e, a) in memo:
            return memo[e, a]
        if e == len(expected):
            result = a == len(actual)
        elif expected[e].strip() == "...":
            result = any(match(e + 1, k) for k in range(a, len(actual) + 1))
        else:
            result = a < len(actual) and line_matches(expected[e], actual[a]) and \
                match(e + 1, a + 1)
        memo[e, a] = result
        return result

    return match(0, 0)


def transcript(text):
    """[(command, expected output lines)] of a transcript block."""
    out = []
    for line in text.rstrip("\n").split("\n"):
        if line.startswith("$ "):
            out.append((line[2:] + "\n", []))
        elif out:
            out[-1][1].append(line)
        else:
            raise ValueError("a transcript must start with a `$ ` line: %r" % line)
    return out


class Runner:
    def __init__(self, root):
        self.root = root
        self.env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
        self.failures = []

    def run(self, argv, stdin=None):
        try:
            p = subprocess.run(argv, cwd=self.root, env=self.env, input=stdin,
                               capture_output=True, text=True, timeout=TIMEOUT)
            return p.returncode, p.stdout, p.stderr
        except subprocess.TimeoutExpired:
            return None, "", "timed out after %d s" % TIMEOUT

    def fail(self, block, what, out="", err=""):
        tail = "\n".join((out + err).rstrip().split("\n")[-25:])
        self.failures.append("%s: %s\n%s" % (block.where(), what, tail))

    def shell(self, block, statuses):
        cmds = commands(block.text)
        if not cmds:
            return self.fail(block, "a runnable block without a command")
        for cmd, status in zip(cmds, parse_statuses(statuses, len(cmds), block.where())):
            code, out, err = self.run(["bash", "-c", cmd])
            print("  [%s] exit %s: %s" % (block.where(), code, cmd.strip().split("\n")[0]))
            if code != status:
                self.fail(block, "`%s` exited with %s, the README says %d"
                          % (cmd.strip(), code, status), out, err)

    def python(self, block, status):
        code, out, err = self.run(["/usr/bin/python3", "-"], stdin=block.text)
        print("  [%s] exit %s: python block" % (block.where(), code))
        if code != status:
            self.fail(block, "the python block exited with %s, the README says %d"
                      % (code, status), out, err)

    def file(self, block, name):
        if block.lang == "python" or name.endswith(".py"):
            try:
                compile(block.text, name, "exec")
            except SyntaxError as e:
                return self.fail(block, "%s is not valid Python: %s" % (name, e))
        with open(os.path.join(self.root, name), "w") as f:
            f.write(block.text)
        print("  [%s] saved as %s" % (block.where(), name))

    def output(self, block, statuses):
        steps = transcript(block.text)
        for (cmd, expected), status in zip(steps, parse_statuses(statuses, len(steps),
                                                                 block.where())):
            code, out, err = self.run(["bash", "-c", cmd])
            print("  [%s] exit %s: $ %s" % (block.where(), code, cmd.strip()))
            if code != status:
                self.fail(block, "`%s` exited with %s, the README says %d"
                          % (cmd.strip(), code, status), out, err)
            actual = (out + err).rstrip("\n").split("\n")
            if not output_matches(expected, actual):
                self.fail(block, "the output of `%s` is not the README's sample:\n--- README\n%s\n"
                          "--- real\n%s" % (cmd.strip(), "\n".join(expected), "\n".join(actual)))

    def block(self, block):
        if block.marker is None:
            return self.fail(block, "a ```%s block without a marker: put `<!-- runnable: exit 0 -->`"
                             " (or another, see checks/docs/readme_examples.py) or `<!-- not "
                             "run: why -->` on the line above it" % block.lang)
        kind, words = block.marker
        if kind == "not run":
            if not words:
                self.fail(block, "`not run:` must say why")
            return
        m = re.fullmatch(r"(output )?exit ([0-9,]+)", words)
        if m and m.group(1):
            return self.output(block, m.group(2))
        if m and block.lang in ("sh", "bash", "shell"):
            return self.shell(block, m.group(2))
        if m and block.lang == "python":
            return self.python(block, int(m.group(2)))
        f = re.fullmatch(r"file (\S+)", words)
        if f:
            return self.file(block, f.group(1))
        self.fail(block, "cannot run a ```%s block as `%s`" % (block.lang, words))


def check_paths(readme_text, source_dir):
    """Links and backquoted project paths that do not exist in the project, or leave it."""
    problems = []
    for target in re.findall(r"\]\(([^)\s]+)\)", readme_text):
        if re.match(r"[a-z]+://", target) or target.startswith("#"):
            problems.append("a link out of the project: %s" % target)
            continue
        path = target.split("#")[0]
        if ".." in path.split("/") or not os.path.exists(os.path.join(source_dir, path)):
            problems.append("a link to a file the project does not have: %s" % target)
    if "../" in readme_text:
        problems.append("a path that leaves the project (../): line %d"
                        % (readme_text[:readme_text.index("../")].count("\n") + 1))
    for name in re.findall(r"`([^`\s]+)`", readme_text):
        path = name.rstrip(".,:;")
        if path.startswith(PATH_PREFIXES) and not any(ch in path for ch in "*<>{}$"):
            if not os.path.exists(os.path.join(source_dir, path)):
                problems.append("a path the project does not have: %s" % path)
    return problems


def clean_copy(source_dir, build_dir, work):
    root = os.path.join(work, "gradfuzz")
    try:
        listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others",
                                 "--exclude-standard"], cwd=source_dir, check=True,
                                capture_output=True).stdout.decode().split("\0")
    except (OSError, subprocess.CalledProcessError):
        listed = None
    if listed is None:  # not a git checkout: everything but build trees
        shutil.copytree(source_dir, root, symlinks=True,
                        ignore=lambda d, names: [n for n in names if n.startswith("build")
                                                 or n == "__pycache__"])
    else:
        for name in filter(None, listed):
            src = os.path.join(source_dir, name)
            if not os.path.lexists(src):  # deleted but not yet committed
                continue
            dst = os.path.join(root, name)
            os.makedirs(os.path.dirname(dst), exist_ok=True)
            shutil.copy2(src, dst, follow_symlinks=False)
    link = os.path.join(root, "build")
    if os.path.lexists(link):
        shutil.rmtree(link)
    os.symlink(os.path.abspath(build_dir), link)
    return root


def main(argv):
    if len(argv) not in (3, 4):
        print(__doc__, file=sys.stderr)
        return 2
    source_dir, build_dir = os.path.abspath(argv[1]), os.path.abspath(argv[2])
    readme = argv[3] if len(argv) == 4 else os.path.join(source_dir, "README.md")
    with open(readme, encoding="utf-8") as f:
        text = f.read()
    problems = check_paths(text, source_dir)
    with tempfile.TemporaryDirectory(prefix="gradfuzz-readme-") as work:
        runner = Runner(clean_copy(source_dir, build_dir, work))
        found = blocks(text)
        for block in found:
            runner.block(block)
        problems += runner.failures
        ran = sum(1 for b in found if b.marker and b.marker[0] == "runnable")
    for p in problems:
        print("FAIL " + p, file=sys.stderr)
    print("%d code blocks, %d run; %d problem(s)" % (len(found), ran, len(problems)))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
