def load_file(*args, **kwargs):
    raise RuntimeError("safetensors stub: not available")


def save_file(*args, **kwargs):
    raise RuntimeError("safetensors stub: not available")
