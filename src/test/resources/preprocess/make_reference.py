#!/usr/bin/python3
"""Reference tensors for ImagePreprocessorTests, computed independently of the plugin with Debian's python3-pil and
python3-numpy, following the Hugging Face CLIPImageProcessor steps: resize the shortest edge (PIL bicubic), center
crop, rescale, normalize, channels first. Run from this directory: /usr/bin/python3 make_reference.py"""
import json

import numpy as np
from PIL import Image

CONFIG = {
    "do_resize": True,
    "size": {"shortest_edge": 48},
    "resample": 3,
    "do_center_crop": True,
    "crop_size": {"height": 40, "width": 40},
    "do_rescale": True,
    "rescale_factor": 1 / 255,
    "do_normalize": True,
    "image_mean": [0.48145466, 0.4578275, 0.40821073],
    "image_std": [0.26862954, 0.26130258, 0.27577711],
    "do_convert_rgb": True,
}


def source(width, height, seed):
    """A deterministic picture with gradients and noise, so resampling errors show."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:height, 0:width]
    r = (x * 255 // max(width - 1, 1))
    g = (y * 255 // max(height - 1, 1))
    b = rng.integers(0, 256, size=(height, width))
    return Image.fromarray(np.stack([r, g, b], axis=-1).astype(np.uint8), "RGB")


def preprocess(image, config):
    short = config["size"]["shortest_edge"]
    w, h = image.size
    if w <= h:
        new_w, new_h = short, int(short * h / w)
    else:
        new_w, new_h = int(short * w / h), short
    image = image.resize((new_w, new_h), resample=Image.Resampling(config["resample"]))
    ch, cw = config["crop_size"]["height"], config["crop_size"]["width"]
    top, left = (new_h - ch) // 2, (new_w - cw) // 2
    image = image.crop((left, top, left + cw, top + ch))
    pixels = np.asarray(image, dtype=np.float32) * np.float32(config["rescale_factor"])
    pixels = (pixels - np.array(config["image_mean"], dtype=np.float32)) / np.array(config["image_std"], dtype=np.float32)
    return pixels.transpose(2, 0, 1).astype("<f4")


def main():
    json.dump(CONFIG, open("preprocessor_config.json", "w"), indent=2)
    for name, (w, h, seed) in {"downscale": (150, 100, 1), "upscale": (30, 20, 2)}.items():
        image = source(w, h, seed)
        image.save(name + ".png")
        preprocess(image, CONFIG).tofile(name + ".f32")


if __name__ == "__main__":
    main()
