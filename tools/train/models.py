"""
The four networks of Stable Diffusion, small enough to train on two CPU cores: a CLIP (text transformer + image
CNN), a KL autoencoder with 8x downscaling and 4 latent channels, and a cross-attention U-Net for 8x8 latents.
Module layout follows the roles in diffusers / transformers, not their parameter names.
"""
import math
import torch
import torch.nn as nn
import torch.nn.functional as F

VOCAB, CONTEXT = 49408, 77
WIDTH = 128          # text hidden size = the U-Net's cross_attention_dim
EMBED = 128          # CLIP joint embedding size


class QuickGELU(nn.Module):
    def forward(self, x):
        return x * torch.sigmoid(1.702 * x)


class TextLayer(nn.Module):
    def __init__(self, width, heads):
        super().__init__()
        self.ln1, self.ln2 = nn.LayerNorm(width), nn.LayerNorm(width)
        self.attn = nn.MultiheadAttention(width, heads, batch_first=True)
        self.mlp = nn.Sequential(nn.Linear(width, width * 4), QuickGELU(), nn.Linear(width * 4, width))

    def forward(self, x, mask):
        h = self.ln1(x)
        x = x + self.attn(h, h, h, attn_mask=mask, need_weights=False)[0]
        return x + self.mlp(self.ln2(x))


class TextEncoder(nn.Module):
    """CLIP's text tower on the real 49408-token vocabulary. Only the tokens the world uses get their own embedding
    row (`remap` sends every other id to one shared row), so the file stays small and the contract stays CLIP's."""

    def __init__(self, known_ids, layers=4, heads=4):
        super().__init__()
        remap = torch.full((VOCAB,), len(known_ids), dtype=torch.long)
        remap[torch.tensor(known_ids)] = torch.arange(len(known_ids))
        self.register_buffer('remap', remap)
        self.token = nn.Embedding(len(known_ids) + 1, WIDTH)
        self.position = nn.Parameter(torch.randn(CONTEXT, WIDTH) * 0.01)
        self.layers = nn.ModuleList([TextLayer(WIDTH, heads) for _ in range(layers)])
        self.final = nn.LayerNorm(WIDTH)
        self.register_buffer('causal', torch.full((CONTEXT, CONTEXT), float('-inf')).triu(1))

    def forward(self, input_ids):
        ids = input_ids.long()
        length = ids.shape[1]  # 77 in the export; training the pooled output may use a causal prefix
        x = self.token(self.remap[ids]) + self.position[:length]
        for layer in self.layers:
            x = layer(x, self.causal[:length, :length])
        hidden = self.final(x)
        # CLIP pools at the end-of-text token, the largest id (argmax finds its first occurrence).
        # int32 as transformers does: ONNX Runtime's ArgMax has no int64 kernel.
        pooled = hidden[torch.arange(hidden.shape[0]), input_ids.to(torch.int32).argmax(dim=-1)]
        return hidden, pooled


def block(cin, cout, stride=1):
    return nn.Sequential(nn.Conv2d(cin, cout, 3, stride, 1), nn.GroupNorm(8, cout), nn.SiLU())


class ImageEncoder(nn.Module):
    """CLIP's image tower, as a small CNN on 64x64 pixels normalised with CLIP's mean and std."""

    def __init__(self):
        super().__init__()
        # Stride 2 from the first layer: a tenth of the work of a full-resolution stem, and colour and shape survive it.
        self.net = nn.Sequential(block(3, 16, 2), block(16, 32, 2), block(32, 64, 2), block(64, 128, 2))
        self.head = nn.Linear(128 * 4 * 4, EMBED)

    def forward(self, pixels):
        return self.head(self.net(pixels).flatten(1))


class Clip(nn.Module):
    def __init__(self, known_ids):
        super().__init__()
        self.text = TextEncoder(known_ids)
        self.text_projection = nn.Linear(WIDTH, EMBED, bias=False)
        self.vision = ImageEncoder()
        self.logit_scale = nn.Parameter(torch.tensor(math.log(1 / 0.07)))

    def embed_text(self, ids):
        return F.normalize(self.text_projection(self.text(ids)[1]), dim=-1)

    def embed_image(self, pixels):
        return F.normalize(self.vision(pixels), dim=-1)


class Vae(nn.Module):
    """A KL autoencoder: 64x64x3 in [-1, 1] <-> 8x8x4 latents (mean and log-variance out of the encoder)."""

    def __init__(self):
        super().__init__()
        # Narrow at full resolution, wide at 8x8: most of the cost of a conv net on CPU is in its largest feature maps.
        self.encoder = nn.Sequential(block(3, 16), block(16, 32, 2), block(32, 64, 2), block(64, 64, 2), nn.Conv2d(64, 8, 3, 1, 1))
        up = lambda cin, cout: nn.Sequential(nn.Upsample(scale_factor=2, mode='nearest'), block(cin, cout))
        self.decoder = nn.Sequential(block(4, 64), block(64, 64), up(64, 64), up(64, 32), up(32, 16), nn.Conv2d(16, 3, 3, 1, 1))

    def encode(self, x):
        mean, logvar = self.encoder(x).chunk(2, dim=1)
        return mean, logvar.clamp(-30, 20)

    def decode(self, z):
        return self.decoder(z)


def timestep_embedding(t, dim):
    """diffusers' get_timestep_embedding with flip_sin_to_cos=True, downscale_freq_shift=0 (as SD's U-Net)."""
    half = dim // 2
    freqs = torch.exp(-math.log(10000) * torch.arange(half, dtype=torch.float32) / half)
    args = t.float()[:, None] * freqs[None]
    return torch.cat([torch.cos(args), torch.sin(args)], dim=-1)


class ResBlock(nn.Module):
    def __init__(self, cin, cout, tdim):
        super().__init__()
        self.norm1, self.conv1 = nn.GroupNorm(8, cin), nn.Conv2d(cin, cout, 3, 1, 1)
        self.time = nn.Linear(tdim, cout)
        self.norm2, self.conv2 = nn.GroupNorm(8, cout), nn.Conv2d(cout, cout, 3, 1, 1)
        self.skip = nn.Conv2d(cin, cout, 1) if cin != cout else nn.Identity()

    def forward(self, x, temb):
        h = self.conv1(F.silu(self.norm1(x))) + self.time(F.silu(temb))[:, :, None, None]
        return self.skip(x) + self.conv2(F.silu(self.norm2(h)))


class CrossAttention(nn.Module):
    """Self-attention over the feature map, then cross-attention to the text (queries: pixels; keys, values: tokens)."""

    def __init__(self, channels, heads=4):
        super().__init__()
        self.norm1, self.norm2 = nn.GroupNorm(8, channels), nn.LayerNorm(channels)
        self.self_attn = nn.MultiheadAttention(channels, heads, batch_first=True)
        self.cross = nn.MultiheadAttention(channels, heads, kdim=WIDTH, vdim=WIDTH, batch_first=True)

    def forward(self, x, text):
        b, c, h, w = x.shape
        tokens = self.norm1(x).flatten(2).transpose(1, 2)
        delta = self.self_attn(tokens, tokens, tokens, need_weights=False)[0]
        delta = delta + self.cross(self.norm2(tokens + delta), text, text, need_weights=False)[0]
        return x + delta.transpose(1, 2).reshape(b, c, h, w)


class UNet(nn.Module):
    """epsilon-prediction U-Net for 4x8x8 latents (or 9 channels for inpainting), conditioned by cross-attention."""

    def __init__(self, in_channels=4, c=64):
        super().__init__()
        self.tdim = c * 4
        self.time = nn.Sequential(nn.Linear(c, self.tdim), nn.SiLU(), nn.Linear(self.tdim, self.tdim))
        self.conv_in = nn.Conv2d(in_channels, c, 3, 1, 1)
        self.down1, self.attn1 = ResBlock(c, c, self.tdim), CrossAttention(c)
        self.downsample = nn.Conv2d(c, 2 * c, 3, 2, 1)
        self.down2, self.attn2 = ResBlock(2 * c, 2 * c, self.tdim), CrossAttention(2 * c)
        self.mid1, self.mid_attn, self.mid2 = ResBlock(2 * c, 2 * c, self.tdim), CrossAttention(2 * c), ResBlock(2 * c, 2 * c, self.tdim)
        self.up2, self.up_attn2 = ResBlock(4 * c, 2 * c, self.tdim), CrossAttention(2 * c)
        self.upsample = nn.Sequential(nn.Upsample(scale_factor=2, mode='nearest'), nn.Conv2d(2 * c, c, 3, 1, 1))
        self.up1, self.up_attn1 = ResBlock(2 * c, c, self.tdim), CrossAttention(c)
        self.norm_out, self.conv_out = nn.GroupNorm(8, c), nn.Conv2d(c, 4, 3, 1, 1)
        self.c = c

    def forward(self, sample, timestep, text):
        temb = self.time(timestep_embedding(timestep.expand(sample.shape[0]), self.c))
        h1 = self.attn1(self.down1(self.conv_in(sample), temb), text)
        h2 = self.attn2(self.down2(self.downsample(h1), temb), text)
        m = self.mid2(self.mid_attn(self.mid1(h2, temb), text), temb)
        u2 = self.up_attn2(self.up2(torch.cat([m, h2], 1), temb), text)
        u1 = self.up_attn1(self.up1(torch.cat([self.upsample(u2), h1], 1), temb), text)
        return self.conv_out(F.silu(self.norm_out(u1)))


def count(module):
    return sum(p.numel() for p in module.parameters())
