"""transformers 4.26.1's CLIPTextModel, rewritten: quick_gelu MLP, causal self-attention, final layer norm, pooler
output = the hidden state at argmax(input_ids) (the end-of-text token in SD 1.x's layout)."""
from types import SimpleNamespace

import torch
from torch import nn


class CLIPTextConfig(SimpleNamespace):
    pass


class PreTrainedModel(nn.Module):
    @property
    def device(self):
        return next(self.parameters()).device

    @property
    def dtype(self):
        return next(self.parameters()).dtype


class CLIPTextEmbeddings(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.token_embedding = nn.Embedding(config.vocab_size, config.hidden_size)
        self.position_embedding = nn.Embedding(config.max_position_embeddings, config.hidden_size)
        self.register_buffer("position_ids", torch.arange(config.max_position_embeddings).expand((1, -1)))

    def forward(self, input_ids):
        positions = self.position_ids[:, : input_ids.shape[-1]]
        return self.token_embedding(input_ids) + self.position_embedding(positions)


class CLIPAttention(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.num_heads = config.num_attention_heads
        self.head_dim = config.hidden_size // self.num_heads
        self.scale = self.head_dim**-0.5
        self.k_proj = nn.Linear(config.hidden_size, config.hidden_size)
        self.v_proj = nn.Linear(config.hidden_size, config.hidden_size)
        self.q_proj = nn.Linear(config.hidden_size, config.hidden_size)
        self.out_proj = nn.Linear(config.hidden_size, config.hidden_size)

    def _heads(self, x, bsz, seq):
        return x.view(bsz, seq, self.num_heads, self.head_dim).transpose(1, 2).contiguous()

    def forward(self, hidden, causal_mask):
        bsz, seq, width = hidden.shape
        shape = (bsz * self.num_heads, -1, self.head_dim)
        query = self._heads(self.q_proj(hidden) * self.scale, bsz, seq).view(*shape)
        key = self._heads(self.k_proj(hidden), bsz, seq).view(*shape)
        value = self._heads(self.v_proj(hidden), bsz, seq).view(*shape)
        weights = torch.bmm(query, key.transpose(1, 2))
        weights = weights.view(bsz, self.num_heads, seq, seq) + causal_mask
        weights = nn.functional.softmax(weights.view(bsz * self.num_heads, seq, seq), dim=-1)
        out = torch.bmm(weights, value).view(bsz, self.num_heads, seq, self.head_dim)
        return self.out_proj(out.transpose(1, 2).reshape(bsz, seq, width))


class CLIPMLP(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.fc1 = nn.Linear(config.hidden_size, config.intermediate_size)
        self.fc2 = nn.Linear(config.intermediate_size, config.hidden_size)

    def forward(self, x):
        x = self.fc1(x)
        return self.fc2(x * torch.sigmoid(1.702 * x))  # quick_gelu


class CLIPEncoderLayer(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.self_attn = CLIPAttention(config)
        self.layer_norm1 = nn.LayerNorm(config.hidden_size, eps=config.layer_norm_eps)
        self.mlp = CLIPMLP(config)
        self.layer_norm2 = nn.LayerNorm(config.hidden_size, eps=config.layer_norm_eps)

    def forward(self, hidden, causal_mask):
        hidden = hidden + self.self_attn(self.layer_norm1(hidden), causal_mask)
        return hidden + self.mlp(self.layer_norm2(hidden))


class CLIPEncoder(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.layers = nn.ModuleList([CLIPEncoderLayer(config) for _ in range(config.num_hidden_layers)])


class CLIPTextTransformer(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.embeddings = CLIPTextEmbeddings(config)
        self.encoder = CLIPEncoder(config)
        self.final_layer_norm = nn.LayerNorm(config.hidden_size, eps=config.layer_norm_eps)

    def forward(self, input_ids):
        hidden = self.embeddings(input_ids)
        bsz, seq = input_ids.shape
        # transformers 4.26 _build_causal_attention_mask: dtype min above the diagonal, 0 elsewhere
        mask = torch.full((bsz, 1, seq, seq), torch.finfo(hidden.dtype).min, dtype=hidden.dtype).triu_(1)
        for layer in self.encoder.layers:
            hidden = layer(hidden, mask)
        hidden = self.final_layer_norm(hidden)
        pooled = hidden[torch.arange(bsz), input_ids.to(torch.int).argmax(dim=-1)]
        return hidden, pooled


class CLIPTextModel(PreTrainedModel):
    def __init__(self, config):
        super().__init__()
        self.config = config
        self.text_model = CLIPTextTransformer(config)

    def forward(self, input_ids, attention_mask=None, output_hidden_states=False, **kwargs):
        # SD 1.x's text encoder config has no use_attention_mask, so diffusers passes None
        assert attention_mask is None and not output_hidden_states
        return self.text_model(input_ids)
