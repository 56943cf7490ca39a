import os

hf_cache_home = os.path.expanduser("~/.cache/huggingface")
HUGGINGFACE_HUB_CACHE = os.path.join(hf_cache_home, "hub")
HF_HUB_CACHE = HUGGINGFACE_HUB_CACHE
HF_HUB_OFFLINE = True
