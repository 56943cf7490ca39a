"""Names diffusers imports from huggingface_hub but never calls offline: errors become Exception
subclasses (diffusers catches them), everything else a function that refuses to run."""


def dummy(name):
    if name.endswith(("Error", "Exception")):
        return type(name, (Exception,), {})
    if name[:1].isupper():
        return type(name, (), {"__init__": _refuse(name)})
    return _refuse(name)


def _refuse(name):
    def refuse(*args, **kwargs):
        raise RuntimeError(f"huggingface_hub stub: {name} is not available offline")

    return refuse
