from .._dummy import dummy


def is_jinja_available():
    return False


def validate_hf_hub_args(fn):
    return fn


def __getattr__(name):
    if name.startswith("__"):
        raise AttributeError(name)
    return dummy(name)
