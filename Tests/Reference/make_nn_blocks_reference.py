#!/usr/bin/env python3
"""Writes the parity fixtures of the 2-D convolution family, residual blocks and the transformer encoder
(Tests/Reference/Data/nn/*.json), in the format of make_nn_reference.py.

Layouts are ours: feature maps [N, T, F, C] (channels-last), sequences [N, T, C]; parameters keep PyTorch's layouts
and the names our Sequential gives them (torch.nn.Sequential state_dict names). Where an example has fewer valid
frames than the batch (lengths), PyTorch runs that example alone on its valid frames, with Keras-style `same`
padding split by its own length, and the output past the example's output length is zero.

Run: python make_nn_blocks_reference.py   (pinned versions in requirements-nn.txt). Tests never run Python.
"""
import math

import torch
import torch.nn.functional as F

from make_nn_reference import leaf, rand, write

torch.manual_seed(20261206)
torch.set_num_threads(1)


def same_pad_amounts(extent, span, stride):
    out = -(-extent // stride)
    total = max((out - 1) * stride + span - extent, 0)
    return total // 2, total - total // 2, out


def nchw(x):
    return x.permute(0, 3, 1, 2)


def nhwc(x):
    return x.permute(0, 2, 3, 1)


def per_example(x, lengths, fn, out_frames):
    """Applies fn to each example's valid frames ([1, L, F, C] → [1, L', F', O]) and zero-pads to out_frames."""
    outs = []
    for b in range(x.shape[0]):
        length = lengths[b] if lengths else x.shape[1]
        y = fn(x[b:b + 1, :length])
        outs.append(F.pad(y, (0, 0, 0, 0, 0, out_frames - y.shape[1])))
    return torch.cat(outs)


def window_2d(x, kernel, stride, padding, op, fill=0.0):
    """Pads one [1, T, F, C] example Keras-style and applies op on NCHW."""
    xc = nchw(x)
    if padding == "same":
        top, bottom, _ = same_pad_amounts(xc.shape[2], kernel[0], stride[0])
        left, right, _ = same_pad_amounts(xc.shape[3], kernel[1], stride[1])
        xc = F.pad(xc, (left, right, top, bottom), value=fill)
    return nhwc(op(xc))


def out_extent(extent, span, stride, padding):
    return -(-extent // stride) if padding == "same" else (extent - span) // stride + 1


def conv2d_case(name, shape, o, kernel, stride=(1, 1), padding="valid", lengths=None):
    n, t, f, c = shape
    x = rand(n, t, f, c)
    w, b = leaf(torch.randn(o, c, *kernel) * 0.4), leaf(torch.randn(o) * 0.2)
    y = per_example(x, lengths, lambda e: window_2d(e, kernel, stride, padding, lambda z: F.conv2d(z, w, b, stride=stride)),
                    out_extent(t, kernel[0], stride[0], padding))
    write(name, x, y, {"0.weight": w, "0.bias": b}, lengths=lengths)


def pool2d_case(name, kind, shape, pool, stride, padding="valid", lengths=None):
    n, t, f, c = shape
    x = rand(n, t, f, c)
    if kind == "max":
        op = lambda e: window_2d(e, pool, stride, padding, lambda z: F.max_pool2d(z, pool, stride), fill=-math.inf)
    else:
        # Averages over real cells only: window sums of the zero-padded map over window counts of a padded ones map.
        def op(e):
            sums = window_2d(e, pool, stride, padding, lambda z: F.avg_pool2d(z, pool, stride) * (pool[0] * pool[1]))
            ones = torch.ones_like(e[..., :1])
            counts = window_2d(ones, pool, stride, padding, lambda z: F.avg_pool2d(z, pool, stride) * (pool[0] * pool[1]))
            return sums / counts
    y = per_example(x, lengths, op, out_extent(t, pool[0], stride[0], padding))
    write(name, x, y, {}, lengths=lengths)


def batchnorm2d_case():
    x = rand(3, 5, 4, 3, scale=2.0)
    bn = torch.nn.BatchNorm2d(3, eps=1e-3, momentum=0.01)
    with torch.no_grad():
        bn.weight.copy_(torch.randn(3) * 0.3 + 1)
        bn.bias.copy_(torch.randn(3) * 0.3)
    bn.train()
    y = nhwc(bn(nchw(x)))
    buffers = {"0.running_mean": bn.running_mean, "0.running_var": bn.running_var,
               "0.num_batches_tracked": bn.num_batches_tracked.float()}
    write("batchnorm2d_train", x, y, {"0.weight": bn.weight, "0.bias": bn.bias}, buffers=buffers)


def cnn_front_end_case():
    """expand_channels → conv2d 3×3 same → relu → maxpool2d 2×2 → merge_frequency → dense, with lengths."""
    lengths = [8, 5]
    x = rand(2, 8, 6)
    w, b = leaf(torch.randn(4, 1, 3, 3) * 0.4), leaf(torch.randn(4) * 0.2)
    dw, db = leaf(torch.randn(5, 12) * 0.3), leaf(torch.randn(5) * 0.2)

    def front_end(e):
        m = e.unsqueeze(-1)
        m = window_2d(m, (3, 3), (1, 1), "same", lambda z: F.conv2d(z, w, b))
        m = window_2d(F.relu(m), (2, 2), (2, 2), "valid", lambda z: F.max_pool2d(z, 2, 2))
        return m.flatten(2).unsqueeze(2)

    # The dense layer acts on every frame, padded ones included (they hold zeros, so they output the bias).
    y = per_example(x, lengths, front_end, 4)[:, :, 0] @ dw.t() + db
    write("cnn_front_end_lengths", x, y, {"1.weight": w, "1.bias": b, "5.weight": dw, "5.bias": db},
          lengths=lengths)


def residual_case():
    """Residual([conv2d 3×3 stride 2 same, relu, conv2d 3×3 same]) with a 1×1 stride-2 projection, with lengths."""
    lengths = [7, 5]
    x = rand(2, 7, 6, 2)
    w0, b0 = leaf(torch.randn(4, 2, 3, 3) * 0.3), leaf(torch.randn(4) * 0.2)
    w2, b2 = leaf(torch.randn(4, 4, 3, 3) * 0.3), leaf(torch.randn(4) * 0.2)
    wp, bp = leaf(torch.randn(4, 2, 1, 1) * 0.5), leaf(torch.randn(4) * 0.2)

    def block(e):
        h = window_2d(e, (3, 3), (2, 2), "same", lambda z: F.conv2d(z, w0, b0, stride=2))
        h = window_2d(F.relu(h), (3, 3), (1, 1), "same", lambda z: F.conv2d(z, w2, b2))
        return h + window_2d(e, (1, 1), (2, 2), "same", lambda z: F.conv2d(z, wp, bp, stride=2))

    y = per_example(x, lengths, block, 4)
    params = {"0.0.weight": w0, "0.0.bias": b0, "0.2.weight": w2, "0.2.bias": b2,
              "0.projection.weight": wp, "0.projection.bias": bp}
    write("residual_conv2d_projection_lengths", x, y, params, lengths=lengths)


def sinusoid(t, d):
    position = torch.arange(t, dtype=torch.float64)[:, None]
    rate = torch.pow(10000.0, -(torch.arange(d) // 2 * 2).double() / d)
    angle = position * rate
    return torch.where(torch.arange(d) % 2 == 0, torch.sin(angle), torch.cos(angle)).float()


def transformer_case(name, n, t, d, heads, ff, layers, activation, norm_first, lengths=None, positional=False,
                     final_norm=False):
    layer = torch.nn.TransformerEncoderLayer(d, heads, ff, dropout=0.0, activation=activation, batch_first=True,
                                             norm_first=norm_first)
    norm = torch.nn.LayerNorm(d) if final_norm else None
    encoder = torch.nn.TransformerEncoder(layer, layers, norm=norm, enable_nested_tensor=False)
    with torch.no_grad():
        for p in encoder.parameters():
            p.add_(torch.randn(p.shape) * 0.1)
    encoder.train()
    x = rand(n, t, d)
    h = x + sinusoid(t, d) if positional else x
    mask = None
    if lengths:
        mask = torch.arange(t)[None, :] >= torch.tensor(lengths)[:, None]
    y = encoder(h, src_key_padding_mask=mask)
    if lengths:
        y = y * (~mask).float()[:, :, None]
    index = 1 if positional else 0
    params = {"%d.%s" % (index, k): v for k, v in encoder.named_parameters()}
    write(name, x, y, params, lengths=lengths)


def main():
    conv2d_case("conv2d_valid", (2, 7, 6, 3), 4, (3, 2))
    conv2d_case("conv2d_same_stride_lengths", (2, 7, 6, 3), 4, (3, 3), stride=(2, 2), padding="same", lengths=[7, 4])
    pool2d_case("maxpool2d_valid", "max", (2, 6, 5, 3), (2, 2), (2, 2))
    pool2d_case("maxpool2d_same_lengths", "max", (2, 7, 5, 3), (3, 2), (2, 1), padding="same", lengths=[7, 4])
    pool2d_case("avgpool2d_same_lengths", "avg", (2, 7, 5, 3), (3, 3), (2, 2), padding="same", lengths=[5, 7])
    batchnorm2d_case()
    cnn_front_end_case()
    residual_case()
    transformer_case("transformer_post_relu_lengths", 2, 5, 8, 2, 12, 2, "relu", False, lengths=[5, 3])
    transformer_case("transformer_pre_gelu_positional", 2, 6, 8, 4, 16, 1, "gelu", True, positional=True)
    transformer_case("transformer_pre_final_norm_lengths", 3, 5, 6, 3, 10, 2, "relu", True, lengths=[5, 2, 4],
                     final_norm=True)


if __name__ == "__main__":
    main()
