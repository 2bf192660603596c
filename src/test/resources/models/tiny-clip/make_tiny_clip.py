#!/usr/bin/python3
"""Writes tiny-clip: a CLIP-family model directory in the Hugging Face / transformers.js layout, with the graph
shapes of real exports but random weights (no pretrained CLIP weights exist on these machines). Debian:
python3-onnx, python3-numpy. Run from this directory: /usr/bin/python3 make_tiny_clip.py

tiny-clip-combined (written beside it): the same weights as one model.onnx with every input and output.

vision_model.onnx: pixel_values [batch, 3, 32, 32] -> image_embeds [batch, 6], last_hidden_state [batch, 17, 8]
  (8 x 8 patches -> 16 patch tokens of width 8, preceded by one pooled token, as ViT exports put [CLS] first)
text_model.onnx:   input_ids, attention_mask [batch, seq] -> text_embeds [batch, 6], last_hidden_state [batch, seq, 8]
"""
import json
import os
import shutil

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

WORDS = ["red", "blue", "green", "black", "white", "shirt", "shoes", "watch", "bag", "dress", "for", "men", "women", "a", "photo", "of"]
PROJECTION, WIDTH, PATCH, SIZE = 6, 8, 8, 32
rng = np.random.default_rng(7)


def init(name, array):
    return numpy_helper.from_array(array.astype(np.float32) if array.dtype.kind == "f" else array, name)


def vision():
    conv = init("patch_weight", rng.normal(0, 0.2, (WIDTH, 3, PATCH, PATCH)))
    proj = init("visual_projection", rng.normal(0, 0.5, (WIDTH, PROJECTION)))
    shape = init("patch_shape", np.array([0, WIDTH, (SIZE // PATCH) ** 2], dtype=np.int64))
    one = init("axis_one", np.array([1], dtype=np.int64))
    nodes = [
        helper.make_node("Conv", ["pixel_values", "patch_weight"], ["grid"], kernel_shape=[PATCH, PATCH], strides=[PATCH, PATCH]),
        helper.make_node("Reshape", ["grid", "patch_shape"], ["flat"]),
        helper.make_node("Transpose", ["flat"], ["patches"], perm=[0, 2, 1]),
        helper.make_node("ReduceMean", ["patches"], ["pooled"], axes=[1], keepdims=0),
        helper.make_node("Unsqueeze", ["pooled", "axis_one"], ["pooled_token"]),
        helper.make_node("Concat", ["pooled_token", "patches"], ["last_hidden_state"], axis=1),
        helper.make_node("MatMul", ["pooled", "visual_projection"], ["image_embeds"]),
    ]
    graph = helper.make_graph(
        nodes, "tiny_clip_vision",
        [helper.make_tensor_value_info("pixel_values", TensorProto.FLOAT, ["batch", 3, SIZE, SIZE])],
        [helper.make_tensor_value_info("image_embeds", TensorProto.FLOAT, ["batch", PROJECTION]),
         helper.make_tensor_value_info("last_hidden_state", TensorProto.FLOAT, ["batch", 1 + (SIZE // PATCH) ** 2, WIDTH])],
        [conv, proj, shape, one])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)], producer_name="make_tiny_clip.py")


def text():
    vocab = 3 + len(WORDS)
    embedding = init("token_embedding", rng.normal(0, 1.0, (vocab, WIDTH)))
    proj = init("text_projection", rng.normal(0, 0.5, (WIDTH, PROJECTION)))
    two = init("axis_two", np.array([2], dtype=np.int64))
    one = init("axis_one", np.array([1], dtype=np.int64))
    nodes = [
        helper.make_node("Gather", ["token_embedding", "input_ids"], ["last_hidden_state"]),
        helper.make_node("Cast", ["attention_mask"], ["mask_float"], to=TensorProto.FLOAT),
        helper.make_node("Unsqueeze", ["mask_float", "axis_two"], ["mask"]),
        helper.make_node("Mul", ["last_hidden_state", "mask"], ["masked"]),
        helper.make_node("ReduceSum", ["masked", "axis_one"], ["summed"], keepdims=0),
        helper.make_node("ReduceSum", ["mask", "axis_one"], ["count"], keepdims=0),
        helper.make_node("Div", ["summed", "count"], ["pooled"]),
        helper.make_node("MatMul", ["pooled", "text_projection"], ["text_embeds"]),
    ]
    graph = helper.make_graph(
        nodes, "tiny_clip_text",
        [helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["batch", "sequence"]),
         helper.make_tensor_value_info("attention_mask", TensorProto.INT64, ["batch", "sequence"])],
        [helper.make_tensor_value_info("text_embeds", TensorProto.FLOAT, ["batch", PROJECTION]),
         helper.make_tensor_value_info("last_hidden_state", TensorProto.FLOAT, ["batch", "sequence", WIDTH])],
        [embedding, proj, two, one])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)], producer_name="make_tiny_clip.py")


def tokenizer():
    vocab = {"[UNK]": 0, "<s>": 1, "</s>": 2}
    for i, word in enumerate(WORDS):
        vocab[word] = 3 + i
    return {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": [{"id": i, "content": t, "single_word": False, "lstrip": False, "rstrip": False, "normalized": False, "special": True}
                         for t, i in [("[UNK]", 0), ("<s>", 1), ("</s>", 2)]],
        "normalizer": {"type": "Lowercase"},
        "pre_tokenizer": {"type": "Whitespace"},
        "post_processor": {
            "type": "TemplateProcessing",
            "single": [{"SpecialToken": {"id": "<s>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}, {"SpecialToken": {"id": "</s>", "type_id": 0}}],
            "pair": [{"SpecialToken": {"id": "<s>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}, {"Sequence": {"id": "B", "type_id": 0}}, {"SpecialToken": {"id": "</s>", "type_id": 0}}],
            "special_tokens": {"<s>": {"id": "<s>", "ids": [1], "tokens": ["<s>"]}, "</s>": {"id": "</s>", "ids": [2], "tokens": ["</s>"]}},
        },
        "decoder": None,
        "model": {"type": "WordLevel", "vocab": vocab, "unk_token": "[UNK]"},
    }


def combined(vision_model, text_model):
    """One model.onnx with both towers, as some exports ship CLIP: every input, every output, the same weights."""
    text_graph = onnx.GraphProto()
    text_graph.CopyFrom(text_model.graph)
    # the towers' own names would clash: prefix every intermediate and weight of the text tower
    rename = {i.name: "text_" + i.name for i in text_graph.initializer}
    for node in text_graph.node:
        rename.update({n: n if n == "text_embeds" else "text_" + n for n in node.output})
    for init in text_graph.initializer:
        init.name = rename[init.name]
    for node in text_graph.node:
        node.input[:] = [rename.get(n, n) for n in node.input]
        node.output[:] = [rename.get(n, n) for n in node.output]
    # as combined exports do, each tower's batch is its own dimension: texts and images come in different numbers
    vision_graph = onnx.GraphProto()
    vision_graph.CopyFrom(vision_model.graph)
    for graph_proto, batch in ((text_graph, "text_batch_size"), (vision_graph, "image_batch_size")):
        for value in list(graph_proto.input) + list(graph_proto.output):
            for dim in value.type.tensor_type.shape.dim:
                if dim.dim_param == "batch":
                    dim.dim_param = batch
    vision_model = helper.make_model(vision_graph)
    outputs = list(vision_model.graph.output) + [o for o in text_graph.output if o.name != "last_hidden_state"]
    graph = helper.make_graph(
        list(vision_model.graph.node) + list(text_graph.node), "tiny_clip",
        list(text_graph.input) + list(vision_model.graph.input), outputs,
        list(vision_model.graph.initializer) + list(text_graph.initializer))
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)], producer_name="make_tiny_clip.py")


def main():
    vision_model, text_model = vision(), text()
    onnx.save(vision_model, "vision_model.onnx")
    onnx.save(text_model, "text_model.onnx")
    combined_dir = os.path.join("..", "tiny-clip-combined")
    os.makedirs(combined_dir, exist_ok=True)
    onnx.save(combined(vision_model, text_model), os.path.join(combined_dir, "model.onnx"))
    json.dump(tokenizer(), open("tokenizer.json", "w"), indent=1)
    json.dump({"model_type": "clip", "projection_dim": PROJECTION,
               "text_config": {"hidden_size": WIDTH, "max_position_embeddings": 16},
               "vision_config": {"hidden_size": WIDTH, "image_size": SIZE, "patch_size": PATCH}}, open("config.json", "w"), indent=2)
    json.dump({"do_resize": True, "size": {"shortest_edge": SIZE}, "resample": 3, "do_center_crop": True,
               "crop_size": {"height": SIZE, "width": SIZE}, "do_rescale": True, "rescale_factor": 1 / 255, "do_normalize": True,
               "image_mean": [0.48145466, 0.4578275, 0.40821073], "image_std": [0.26862954, 0.26130258, 0.27577711],
               "do_convert_rgb": True}, open("preprocessor_config.json", "w"), indent=2)
    json.dump({"id": "tiny-clip", "kind": "clip", "dims": PROJECTION, "max_tokens": 16,
               "text_output": "text_embeds", "pooling": "none",
               "image_output": "image_embeds", "patch_output": "last_hidden_state", "patch_dims": WIDTH, "patch_skip": 1,
               "description": "random weights in a CLIP export's shape, for tests"}, open("multimodal-model.json", "w"), indent=2)
    for shared_file in ["tokenizer.json", "config.json", "preprocessor_config.json"]:
        shutil.copy(shared_file, combined_dir)
    manifest = json.load(open("multimodal-model.json"))
    manifest.update(id="tiny-clip-combined", description="tiny-clip's weights as one model.onnx with both towers, for tests")
    json.dump(manifest, open(os.path.join(combined_dir, "multimodal-model.json"), "w"), indent=2)


if __name__ == "__main__":
    main()
