import re

from ._dummy import dummy

REGEX_COMMIT_HASH = re.compile(r"^[0-9a-f]{40}$")


def __getattr__(name):
    if name.startswith("__"):
        raise AttributeError(name)
    return dummy(name)
