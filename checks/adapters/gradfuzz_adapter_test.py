"""The Python helper (adapters/python/gradfuzz_adapter.py): what its hello declares, its replies,
and docs/PROTOCOL.md's example messages sent to it.

    /usr/bin/python3 checks/adapters/gradfuzz_adapter_test.py
"""

import contextlib
import io
import json
import os
import re
import subprocess
import sys
import unittest

sys.dont_write_bytecode = True
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
sys.path[:0] = [os.path.join(ROOT, "adapters", "python"),
                os.path.join(ROOT, "adapters", "python", "examples")]
import gradfuzz_adapter as helper  # noqa: E402
from course_numpy import backward, compute_cost  # noqa: E402


def examples():
    """docs/PROTOCOL.md's messages, by the name of their <!-- message: NAME --> marker."""
    with open(os.path.join(ROOT, "docs", "PROTOCOL.md"), encoding="utf-8") as f:
        text = f.read()
    return {name: json.loads(body) for name, body in
            re.findall(r"<!-- message: ([a-z0-9.-]+) -->\n```json\n([^`]*)```", text)}


def course(net, params, X, Y):
    grads = backward(net, params, X, Y)
    grads["cost"] = compute_cost(net, params, X, Y)
    return grads


def server(gradients=course, **declared):
    args = dict(convention="mean", dtype="float64", activations=None, losses=None,
                regularization=True, cost=None, intermediates=False, name=None)
    args.update({k: declared.pop(k) for k in list(declared) if k in args})
    return helper._Server(gradients, **args, **declared)


class Hello(unittest.TestCase):
    def test_the_protocols_1_1_example_is_what_serve_declares(self):
        example = examples()["hello-response-1.1"]
        s = server(name="binary_head", hidden=["relu", "tanh"], output=["sigmoid"],
                   losses=["bce"], same_hidden_activation=True, depth=(1, 4), output_units=1,
                   max_width=64, max_batch=32, labels="hard")
        for key, value in example.items():
            self.assertEqual(s.hello[key], value, key)

    def test_nothing_declared_adds_no_1_1_field(self):
        hello = server().hello
        for key in ("hidden_activations", "output_activations", "same_hidden_activation",
                    "depth", "output_units", "max_width", "max_batch", "labels"):
            self.assertNotIn(key, hello)
        self.assertEqual(hello["gradfuzz"], 1)

    def test_a_declaration_gradfuzz_would_refuse_is_refused_at_once(self):
        for bad in (dict(depth=0), dict(depth=(3, 2)), dict(depth=True), dict(output_units=(0, 1)),
                    dict(max_width=0), dict(max_batch=2.5), dict(labels="soft"),
                    dict(hidden=["gelu"])):
            with self.assertRaises(ValueError, msg=bad):
                server(**bad)

    def test_the_tools_minor_version_is_read_from_its_hello(self):
        s = server()
        self.assertEqual(s.answer(examples()["hello-request"]), s.hello)
        self.assertEqual(s.tool_minor, 1)
        s.answer({"gradfuzz": 1, "op": "hello"})  # a 1.0 tool
        self.assertEqual(s.tool_minor, 0)


class Replies(unittest.TestCase):
    def test_the_example_requests_get_the_example_responses(self):
        m = examples()
        s = server(cost=compute_cost)
        s.answer(m["hello-request"])
        reply = s.answer(m["gradients-request"])
        want = m["gradients-response"]
        self.assertEqual(reply["id"], want["id"])
        for key, value in want["grads"].items():
            self.assertTrue(all(abs(a - b) <= 5e-6 * abs(b) + 1e-12
                                for ra, rb in zip(reply["grads"][key], value)
                                for a, b in zip(ra, rb)), key)
        self.assertAlmostEqual(reply["cost"], want["cost"], delta=5e-6 * want["cost"])
        cost = s.answer(m["cost-request"])
        self.assertEqual(cost["id"], m["cost-response"]["id"])
        self.assertAlmostEqual(cost["cost"], m["cost-response"]["cost"], delta=5e-6)

    def test_unsupported_sends_the_unsupported_reply(self):
        def refuses(net, params, X, Y):
            raise helper.Unsupported("this code has no linear output")
        s = server(refuses)
        s.answer(examples()["hello-request"])
        request = dict(examples()["gradients-request"])
        self.assertEqual(s.answer(request), examples()["unsupported-reply"])

    def test_unsupported_to_a_1_0_tool_is_an_error_reply(self):
        def refuses(net, params, X, Y):
            raise helper.Unsupported("no")
        s = server(refuses)
        s.answer({"gradfuzz": 1, "op": "hello"})
        self.assertEqual(s.answer(examples()["gradients-request"]),
                         {"id": 7, "error": "unsupported: no"})

    def test_an_exception_without_a_message_says_its_type_and_line(self):
        def asserts(net, params, X, Y):
            assert X.shape[1] > 5
            return {}
        with contextlib.redirect_stderr(io.StringIO()):  # the helper prints the traceback
            reply = server(asserts).answer(examples()["gradients-request"])
        self.assertRegex(reply["error"], r"^AssertionError at gradfuzz_adapter_test\.py:\d+ in "
                                         r"asserts: assert X\.shape\[1\] > 5$")

    def test_an_exception_with_a_message_keeps_it(self):
        def fails(net, params, X, Y):
            raise ValueError("cannot handle 2 layers")
        with contextlib.redirect_stderr(io.StringIO()):
            reply = server(fails).answer(examples()["gradients-request"])
        self.assertRegex(reply["error"], r"^ValueError: cannot handle 2 layers "
                                         r"\(gradfuzz_adapter_test\.py:\d+ in fails\)$")


class Process(unittest.TestCase):
    def test_a_session_of_example_messages(self):
        m = examples()
        script = ("import sys; sys.path[:0] = %r\n"
                  "from gradfuzz_adapter import serve\nfrom course_numpy import backward\n"
                  "serve(lambda net, p, X, Y: backward(net, p, X, Y))\n"
                  % [os.path.join(ROOT, "adapters", "python"),
                     os.path.join(ROOT, "adapters", "python", "examples")])
        lines = "".join(json.dumps(m[k]) + "\n"
                        for k in ("hello-request", "gradients-request", "bye-request"))
        out = subprocess.run([sys.executable, "-B", "-c", script], input=lines,
                             capture_output=True, text=True, timeout=60, check=True).stdout
        replies = [json.loads(line) for line in out.splitlines()]
        self.assertEqual(len(replies), 3)
        self.assertTrue(replies[0]["ok"])
        self.assertEqual(sorted(replies[1]["grads"]), ["dW1", "dW2", "db1", "db2"])
        self.assertEqual(replies[2], m["bye-response"])


if __name__ == "__main__":
    unittest.main()
