"""The README runner's own rules: markers, commands, transcripts, paths.

    /usr/bin/python3 checks/docs/readme_examples_test.py
"""

import os
import sys
import tempfile
import unittest

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import readme_examples as r  # noqa: E402


class Blocks(unittest.TestCase):
    def test_a_marker_is_read_from_the_nearest_line_above(self):
        text = ("<!-- runnable: exit 0,1 -->\n\n```sh\na\nb\n```\n\n```python\nx\n```\n"
                "<!-- not run: a workflow -->\n```yaml\nk: v\n```\n")
        found = r.blocks(text)
        self.assertEqual([(b.lang, b.marker) for b in found],
                         [("sh", ("runnable", "exit 0,1")), ("python", None),
                          ("yaml", ("not run", "a workflow"))])
        self.assertEqual(found[0].text, "a\nb\n")
        self.assertEqual(found[0].line, 3)

    def test_commands_join_continuations_and_drop_comments(self):
        self.assertEqual(r.commands("# note\nbuild/gradfuzz a \\\n  --b   # x\n\nc\n"),
                         ["build/gradfuzz a \\\n  --b   # x\n", "c\n"])

    def test_one_status_serves_every_command_and_a_list_must_fit(self):
        self.assertEqual(r.parse_statuses("0", 3, "here"), [0, 0, 0])
        self.assertEqual(r.parse_statuses("0,1", 2, "here"), [0, 1])
        with self.assertRaises(ValueError):
            r.parse_statuses("0,1", 3, "here")


class Transcripts(unittest.TestCase):
    def test_lines_match_from_the_first_with_dots_for_any_text(self):
        self.assertTrue(r.output_matches(["gradfuzz: PASSED, ... case(s)"],
                                         ["gradfuzz: PASSED, 12 case(s)"]))
        self.assertFalse(r.output_matches(["PASSED"], ["header", "PASSED"]))
        self.assertFalse(r.output_matches(["a", "b"], ["a", "x", "b"]))

    def test_a_dots_line_stands_for_any_lines_even_none(self):
        self.assertTrue(r.output_matches(["a", "  ...", "b"], ["a", "x", "y", "b"]))
        self.assertTrue(r.output_matches(["a", "...", "b"], ["a", "b"]))
        self.assertTrue(r.output_matches(["a", "..."], ["a", "tail", "more"]))

    def test_the_output_may_not_go_on_past_the_sample(self):
        self.assertFalse(r.output_matches(["a"], ["a", "more"]))
        self.assertTrue(r.output_matches(["a", ""], ["a", "", ""]))

    def test_a_transcript_is_commands_with_their_output(self):
        self.assertEqual(r.transcript("$ one\nout 1\n$ two\n"),
                         [("one\n", ["out 1"]), ("two\n", [])])
        with self.assertRaises(ValueError):
            r.transcript("output before any command\n")


class Paths(unittest.TestCase):
    def test_links_and_named_paths_must_be_in_the_project(self):
        with tempfile.TemporaryDirectory() as root:
            os.makedirs(os.path.join(root, "docs"))
            open(os.path.join(root, "docs", "PROTOCOL.md"), "w").close()
            self.assertEqual(r.check_paths("[p](docs/PROTOCOL.md) `docs/PROTOCOL.md`", root), [])
            problems = r.check_paths("[d](../elsewhere/DESIGN.md) `docs/NOPE.md` "
                                     "[w](https://example.org)", root)
            self.assertEqual(len(problems), 4, problems)


if __name__ == "__main__":
    unittest.main()
