"""The part of transformers 4.26.1 that diffusers' Stable Diffusion pipelines use: CLIPTextModel (same module
structure and state-dict names) and the slow CLIPTokenizer. Any other name diffusers imports is an empty class."""
from .clip_text_model import CLIPTextConfig, CLIPTextModel, PreTrainedModel
from .clip_tokenizer import CLIPTokenizer, PreTrainedTokenizer

__version__ = "4.26.1"


def __getattr__(name):
    if name.startswith("__"):
        raise AttributeError(name)
    return type(name, (), {})
