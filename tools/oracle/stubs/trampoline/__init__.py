"""A rewrite of the `trampoline` package (0.1.2) that torchsde's BrownianInterval imports; PyPI is unreachable here.

Its whole contract, as torchsde uses it: `trampoline(gen)` runs a generator-based computation without growing the
Python stack. Inside it, a generator may `yield other_gen` to call `other_gen` and receive its return value,
`raise TailCall(other_gen)` to replace itself by `other_gen` (whose result becomes its own), or `return value`.
Exceptions propagate to the caller's frame, as a normal call's would.
"""
__version__ = "0.1.2"
__all__ = ["trampoline", "TailCall"]


class TailCall(BaseException):
    """Raised by a trampolined generator to hand its result over to another generator."""

    def __init__(self, call):
        super().__init__(call)
        self.call = call


def trampoline(gen):
    """Runs `gen` and every generator it calls on an explicit stack; returns the result of `gen`."""
    stack = [gen]
    send_value = None
    error = None
    while True:
        frame = stack[-1]
        try:
            if error is not None:
                pending, error = error, None
                called = frame.throw(pending)
            else:
                called = frame.send(send_value)
        except StopIteration as done:
            stack.pop()
            send_value = done.value
            if not stack:
                return send_value
            continue
        except TailCall as tail:
            stack[-1] = tail.call
            send_value = None
            continue
        except BaseException as failure:  # noqa: B902 - handed to the caller's frame, like an ordinary raise
            stack.pop()
            if not stack:
                raise
            error = failure
            continue
        stack.append(called)
        send_value = None
