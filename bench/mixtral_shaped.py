"""A Mixtral-shaped decoder in Hugging Face's eager MoE form, exported to ONNX
by PyTorch's TorchScript exporter (Debian's python3-torch:
scripts/install-bench-deps.sh installs it).

The model follows transformers' Mixtral (v4.36 to v4.4x) in plain torch,
weights from a seed: RMSNorm, grouped-query attention with rotate-half
RoPE and a causal mask, and the sparse MoE block as Hugging Face wrote it:
softmax over the router logits, top-k, the k weights renormalized, then a
loop over every expert: torch.where on its slice of the one-hot mask, its
SwiGLU MLP on the chosen tokens' rows, weighted, index_add_ into zeros.
The exporter unrolls that loop over all E experts.

Usage: /usr/bin/python3 bench/mixtral_shaped.py OUT.onnx [--layers 4]
           [--hidden 1024] [--heads 16] [--kv-heads 4] [--experts 8]
           [--top-k 2] [--ffn 2816] [--vocab 32000] [--seed 0]
           [--form eager|dense]
(--form dense: every expert on every token, weighted by the routing mask)
(the defaults are the benchmark model of bench/moe_vs_ort.py, 1.3 GB).
"""

import argparse

import torch
import torch.nn.functional as F


class RMSNorm(torch.nn.Module):
    def __init__(self, size, eps=1e-5):
        super().__init__()
        self.weight = torch.nn.Parameter(1 + 0.1 * torch.randn(size))
        self.eps = eps

    def forward(self, x):
        x = x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps)
        return self.weight * x


def rotate_half(x):
    half = x.shape[-1] // 2
    return torch.cat((-x[..., half:], x[..., :half]), dim=-1)


class Attention(torch.nn.Module):
    def __init__(self, hidden, heads, kv_heads):
        super().__init__()
        self.heads, self.kv_heads, self.size = heads, kv_heads, hidden // heads
        self.q = torch.nn.Linear(hidden, hidden, bias=False)
        self.k = torch.nn.Linear(hidden, kv_heads * self.size, bias=False)
        self.v = torch.nn.Linear(hidden, kv_heads * self.size, bias=False)
        self.o = torch.nn.Linear(hidden, hidden, bias=False)

    def forward(self, x, cos, sin, mask):
        b, s, _ = x.shape
        q = self.q(x).view(b, s, self.heads, self.size).transpose(1, 2)
        k = self.k(x).view(b, s, self.kv_heads, self.size).transpose(1, 2)
        v = self.v(x).view(b, s, self.kv_heads, self.size).transpose(1, 2)
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        # transformers' repeat_kv (repeat_interleave exports as a Loop).
        group = self.heads // self.kv_heads
        k = k[:, :, None].expand(b, self.kv_heads, group, s, self.size).reshape(b, -1, s, self.size)
        v = v[:, :, None].expand(b, self.kv_heads, group, s, self.size).reshape(b, -1, s, self.size)
        scores = q @ k.transpose(2, 3) / self.size ** 0.5 + mask
        out = torch.softmax(scores, dim=-1) @ v
        return self.o(out.transpose(1, 2).reshape(b, s, -1))


class SparseMoeBlock(torch.nn.Module):
    """transformers' MixtralSparseMoeBlock.forward, as written there
    (`form="eager"`), or every expert on every token weighted by the routing
    mask (`form="dense"`, how some exports avoid data-dependent shapes)."""

    def __init__(self, hidden, ffn, experts, top_k, form="eager"):
        super().__init__()
        self.experts_count, self.top_k, self.form = experts, top_k, form
        self.gate = torch.nn.Linear(hidden, experts, bias=False)
        self.w1 = torch.nn.ModuleList(torch.nn.Linear(hidden, ffn, bias=False) for _ in range(experts))
        self.w3 = torch.nn.ModuleList(torch.nn.Linear(hidden, ffn, bias=False) for _ in range(experts))
        self.w2 = torch.nn.ModuleList(torch.nn.Linear(ffn, hidden, bias=False) for _ in range(experts))

    def forward(self, hidden_states):
        batch, sequence, hidden = hidden_states.shape
        hidden_states = hidden_states.view(-1, hidden)
        routing = F.softmax(self.gate(hidden_states), dim=1, dtype=torch.float)
        routing, selected = torch.topk(routing, self.top_k, dim=-1)
        routing = routing / routing.sum(dim=-1, keepdim=True)
        final = torch.zeros((batch * sequence, hidden), dtype=hidden_states.dtype)
        if self.form == "dense":
            for e in range(self.experts_count):
                weight = (routing * (selected == e).to(routing.dtype)).sum(-1, keepdim=True)
                rows = hidden_states
                final = final + self.w2[e](F.silu(self.w1[e](rows)) * self.w3[e](rows)) * weight
            return final.reshape(batch, sequence, hidden)
        mask = F.one_hot(selected, num_classes=self.experts_count).permute(2, 1, 0)
        for e in range(self.experts_count):
            choice, tokens = torch.where(mask[e])
            rows = hidden_states[None, tokens].reshape(-1, hidden)
            out = self.w2[e](F.silu(self.w1[e](rows)) * self.w3[e](rows))
            out = out * routing[tokens, choice, None]
            final.index_add_(0, tokens, out.to(hidden_states.dtype))
        return final.reshape(batch, sequence, hidden)


class MixtralShaped(torch.nn.Module):
    def __init__(self, layers, hidden, heads, kv_heads, experts, top_k, ffn, vocab,
                 form="eager"):
        super().__init__()
        self.embed = torch.nn.Embedding(vocab, hidden)
        self.layers = torch.nn.ModuleList()
        for _ in range(layers):
            layer = torch.nn.Module()
            layer.norm1, layer.norm2 = RMSNorm(hidden), RMSNorm(hidden)
            layer.attention = Attention(hidden, heads, kv_heads)
            layer.moe = SparseMoeBlock(hidden, ffn, experts, top_k, form)
            self.layers.append(layer)
        self.norm = RMSNorm(hidden)
        self.head = torch.nn.Linear(hidden, vocab, bias=False)
        size = hidden // heads
        self.register_buffer("inv_freq", 1.0 / 1e6 ** (torch.arange(0, size, 2).float() / size))

    def forward(self, input_ids):
        s = input_ids.shape[1]
        # transformers' rotary embedding: [1, S, D] tables, unsqueezed at 1.
        positions = torch.arange(s, dtype=torch.float32)[None, None, :]
        freqs = (self.inv_freq[None, :, None] @ positions).transpose(1, 2)
        angles = torch.cat((freqs, freqs), dim=-1)
        cos, sin = angles.cos().unsqueeze(1), angles.sin().unsqueeze(1)
        mask = torch.full((s, s), float("-inf")).triu(1)[None, None]
        x = self.embed(input_ids)
        for layer in self.layers:
            x = x + layer.attention(layer.norm1(x), cos, sin, mask)
            x = x + layer.moe(layer.norm2(x))
        return self.head(self.norm(x))


def export(path, layers=4, hidden=1024, heads=16, kv_heads=4, experts=8, top_k=2,
           ffn=2816, vocab=32000, seed=0, form="eager"):
    """Writes the model to `path`; the example input reaches every expert,
    so the trace keeps the loop over all of them."""
    torch.manual_seed(seed)
    model = MixtralShaped(layers, hidden, heads, kv_heads, experts, top_k, ffn, vocab,
                          form).eval()
    with torch.no_grad():
        for p in model.parameters():
            if p.dim() == 2:
                p.normal_(0, hidden ** -0.5)
    ids = torch.randint(0, vocab, (1, 4 * experts))
    torch.onnx.export(model, (ids,), str(path), opset_version=17, input_names=["input_ids"],
                      output_names=["logits"],
                      dynamic_axes={"input_ids": {0: "batch", 1: "sequence"}})


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("out")
    for name, default in [("layers", 4), ("hidden", 1024), ("heads", 16), ("kv-heads", 4),
                          ("experts", 8), ("top-k", 2), ("ffn", 2816), ("vocab", 32000),
                          ("seed", 0)]:
        parser.add_argument(f"--{name}", type=int, default=default)
    parser.add_argument("--form", choices=["eager", "dense"], default="eager")
    args = parser.parse_args()
    export(args.out, args.layers, args.hidden, args.heads, args.kv_heads, args.experts,
           args.top_k, args.ffn, args.vocab, args.seed, args.form)


if __name__ == "__main__":
    main()
