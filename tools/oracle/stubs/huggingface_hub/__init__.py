"""Import stub so diffusers imports without huggingface_hub (the oracle loads nothing from a hub)."""
from ._dummy import dummy

__version__ = "0.19.4"


def __getattr__(name):
    if name.startswith("__"):
        raise AttributeError(name)
    return dummy(name)
