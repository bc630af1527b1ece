#!/usr/bin/env python3
"""Writes the NeuralNet layer parity fixtures (Tests/Reference/Data/nn/*.json) with PyTorch.

Each fixture holds, for one small layer stack with fixed random weights: the input (and optional valid lengths),
every parameter under the name our `Sequential` gives it (torch.nn.Sequential `state_dict` names), a random upstream
gradient R, the forward output, and the gradients of sum(output * R) with respect to the input and every parameter.
Layouts are ours: sequences [N, T, C] (channels-last); parameters in PyTorch layout.

Run: python make_nn_reference.py   (pinned versions in requirements-nn.txt). Tests never run Python.
"""
import json
import os

import numpy as np
import torch
import torch.nn.functional as F

torch.manual_seed(20261125)
torch.set_num_threads(1)
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "Data", "nn")


def tensor_json(t):
    a = t.detach().to(torch.float32).contiguous().numpy()
    return {"shape": list(a.shape), "values": [float(np.float32(v)) for v in a.reshape(-1)]}


def rand(*shape, scale=1.0):
    return (torch.randn(*shape) * scale).requires_grad_(True)


def write(name, x, out, params, lengths=None, buffers=None, extra=None):
    """params: dict our-name -> torch leaf tensor (requires_grad)."""
    upstream = torch.randn(out.shape)
    (out * upstream).sum().backward()
    fixture = {
        "name": name,
        "input": tensor_json(x),
        "lengths": lengths,
        "parameters": {k: tensor_json(v) for k, v in params.items()},
        "upstream": tensor_json(upstream),
        "output": tensor_json(out),
        "gradients": {"input": tensor_json(x.grad), **{k: tensor_json(v.grad) for k, v in params.items()}},
        "buffers": {k: tensor_json(v) for k, v in (buffers or {}).items()},
    }
    if extra:
        fixture.update(extra)
    with open(os.path.join(OUT, name + ".json"), "w") as f:
        json.dump(fixture, f, separators=(",", ":"))


def leaf(t):
    return t.detach().clone().requires_grad_(True)


def keras_same_pad(x_nct, span, stride):
    """Zero padding as Keras/our `.same`: total = max((ceil(T/s)-1)*s + span - T, 0), left = total // 2."""
    t = x_nct.shape[-1]
    out = -(-t // stride)
    total = max((out - 1) * stride + span - t, 0)
    return F.pad(x_nct, (total // 2, total - total // 2))


def conv_case(name, n, t, c, o, k, stride=1, dilation=1, padding="valid"):
    x = rand(n, t, c)
    w, b = leaf(torch.randn(o, c, k) * 0.4), leaf(torch.randn(o) * 0.2)
    xc = x.transpose(1, 2)
    if padding == "same":
        xc = keras_same_pad(xc, dilation * (k - 1) + 1, stride)
    y = F.conv1d(xc, w, b, stride=stride, dilation=dilation).transpose(1, 2)
    write(name, x, y, {"0.weight": w, "0.bias": b},
          extra={"config": {"c": c, "o": o, "k": k, "stride": stride, "dilation": dilation, "padding": padding}})


def lstm_params(module, prefix_for_layer):
    params = {}
    for pname, p in module.named_parameters():
        layer = int(pname.split("_l")[1][0])
        ours = pname.replace("_l%d" % layer, "_l0")
        params[prefix_for_layer(layer) + ours] = p
    return params


def recurrent_case(name, cls, n, t, c, h, layers, bidirectional, return_sequences, lengths=None):
    module = cls(c, h, num_layers=layers, batch_first=True, bidirectional=bidirectional)
    with torch.no_grad():
        for p in module.parameters():
            p.uniform_(-0.5, 0.5)
    x = rand(n, t, c)
    d = 2 if bidirectional else 1
    if lengths is None:
        seq, state = module(x)
    else:
        packed = torch.nn.utils.rnn.pack_padded_sequence(x, torch.tensor(lengths), batch_first=True, enforce_sorted=False)
        seq, state = module(packed)
        seq, _ = torch.nn.utils.rnn.pad_packed_sequence(seq, batch_first=True, total_length=t)
    if return_sequences:
        y = seq
    else:
        hn = state[0] if isinstance(state, tuple) else state          # [layers*d, N, H]
        y = torch.cat([hn[(layers - 1) * d + k] for k in range(d)], dim=1)
    params = lstm_params(module, lambda layer: "%d." % layer)
    write(name, x, y, params, lengths=lengths,
          extra={"config": {"c": c, "h": h, "layers": layers, "bidirectional": bidirectional,
                            "return_sequences": return_sequences}})


def batchnorm_case(name, training):
    n, t, c = 3, 4, 5
    bn = torch.nn.BatchNorm1d(c, momentum=0.01, eps=1e-3)
    with torch.no_grad():
        bn.weight.copy_(torch.randn(c) * 0.5 + 1)
        bn.bias.copy_(torch.randn(c) * 0.3)
        bn.running_mean.copy_(torch.randn(c) * 0.2)
        bn.running_var.copy_(torch.rand(c) + 0.5)
    before = {"0.running_mean": bn.running_mean.clone(), "0.running_var": bn.running_var.clone()}
    bn.train(training)
    x = rand(n, t, c, scale=2.0)
    y = bn(x.transpose(1, 2)).transpose(1, 2)
    write(name, x, y, {"0.weight": bn.weight, "0.bias": bn.bias},
          buffers={"0.running_mean": bn.running_mean, "0.running_var": bn.running_var},
          extra={"buffers_before": {k: tensor_json(v) for k, v in before.items()}, "config": {"training": training}})


def main():
    os.makedirs(OUT, exist_ok=True)
    # Dense on vectors.
    x = rand(3, 5)
    w, b = leaf(torch.randn(4, 5) * 0.5), leaf(torch.randn(4) * 0.2)
    write("dense", x, F.linear(x, w, b), {"0.weight": w, "0.bias": b})

    conv_case("conv1d_valid", 2, 9, 3, 4, 3)
    conv_case("conv1d_same_dilation", 2, 9, 3, 4, 4, dilation=2, padding="same")
    conv_case("conv1d_same_stride", 2, 9, 3, 4, 3, stride=2, padding="same")
    conv_case("conv1d_valid_stride_dilation", 2, 11, 3, 4, 3, stride=2, dilation=2)

    recurrent_case("lstm_stacked_sequences", torch.nn.LSTM, 2, 6, 3, 4, 2, False, True)
    recurrent_case("lstm_stacked_last", torch.nn.LSTM, 2, 6, 3, 4, 2, False, False)
    recurrent_case("lstm_bidirectional_sequences", torch.nn.LSTM, 2, 5, 3, 4, 1, True, True)
    recurrent_case("lstm_bidirectional_last", torch.nn.LSTM, 2, 5, 3, 4, 1, True, False)
    recurrent_case("lstm_bidirectional_lengths_last", torch.nn.LSTM, 3, 6, 3, 4, 1, True, False, lengths=[6, 3, 5])
    recurrent_case("lstm_lengths_sequences", torch.nn.LSTM, 3, 6, 3, 4, 1, False, True, lengths=[4, 6, 2])
    recurrent_case("gru_last", torch.nn.GRU, 2, 6, 3, 4, 1, False, False)
    recurrent_case("gru_bidirectional_sequences", torch.nn.GRU, 2, 5, 3, 4, 1, True, True)
    recurrent_case("gru_lengths_last", torch.nn.GRU, 3, 6, 3, 4, 1, False, False, lengths=[6, 2, 4])

    batchnorm_case("batchnorm_train", True)
    batchnorm_case("batchnorm_eval", False)

    x = rand(2, 4, 5)
    ln = torch.nn.LayerNorm(5)
    with torch.no_grad():
        ln.weight.copy_(torch.randn(5) * 0.5 + 1)
        ln.bias.copy_(torch.randn(5) * 0.3)
    write("layernorm", x, ln(x), {"0.weight": ln.weight, "0.bias": ln.bias})

    x = rand(2, 9, 3)
    write("maxpool_valid", x, F.max_pool1d(x.transpose(1, 2), 2).transpose(1, 2), {})
    x = rand(2, 9, 3)
    write("maxpool_same", x, F.max_pool1d(x.transpose(1, 2), 3, 1, padding=1).transpose(1, 2), {})
    x = rand(2, 9, 3)
    write("avgpool_valid_stride", x, F.avg_pool1d(x.transpose(1, 2), 3, 2).transpose(1, 2), {})
    x = rand(2, 9, 3)
    y = F.avg_pool1d(x.transpose(1, 2), 3, 1, padding=1, count_include_pad=False).transpose(1, 2)
    write("avgpool_same", x, y, {})

    # Length-aware pooling written out with masks (PyTorch has no built-in).
    lengths = [7, 3]
    mask = (torch.arange(7)[None, :] < torch.tensor(lengths)[:, None]).float()[:, :, None]
    x = rand(2, 7, 4)
    write("global_avg_lengths", x, (x * mask).sum(1) / mask.sum(1), {}, lengths=lengths)
    x = rand(2, 7, 4)
    write("global_max_lengths", x, x.masked_fill(mask == 0, -1e9).max(1).values, {}, lengths=lengths)
    x = rand(2, 7, 4)
    u = leaf(torch.randn(1, 4) * 0.5)
    scores = (x @ u.t()).squeeze(-1).masked_fill(mask[:, :, 0] == 0, float("-inf"))
    alpha = torch.softmax(scores, dim=1)
    write("attention_pooling_lengths", x, (alpha[:, :, None] * x).sum(1), {"0.weight": u}, lengths=lengths)

    # Activations, chained so each sees varied inputs.
    x = rand(2, 3, 5, scale=2.0)
    y = torch.softmax(F.gelu(F.elu(F.leaky_relu(x, 0.1), 0.7)), dim=-1)
    write("activations", x, y, {})

    total = sum(os.path.getsize(os.path.join(OUT, f)) for f in os.listdir(OUT))
    print("wrote %d fixtures, %d bytes" % (len(os.listdir(OUT)), total))


if __name__ == "__main__":
    main()
