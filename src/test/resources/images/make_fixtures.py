#!/usr/bin/python3
"""Writes the image fixtures of ImageDecoderTests (Debian: python3-pil). Run from this directory:
/usr/bin/python3 make_fixtures.py. Every image is tiny and drawn here, so the expected pixels are known exactly."""
import io
import struct
import zlib

from PIL import Image

W, H = 12, 8
RED, BLUE, WHITE, GREEN = (255, 0, 0), (0, 0, 255), (255, 255, 255), (0, 160, 0)


def upright():
    """12 x 8: white, with a red 4 x 4 block in the top-left corner and a blue one in the bottom-right."""
    img = Image.new("RGB", (W, H), WHITE)
    for y in range(4):
        for x in range(4):
            img.putpixel((x, y), RED)
            img.putpixel((W - 1 - x, H - 1 - y), BLUE)
    return img


def main():
    up = upright()
    up.save("upright.png")
    up.save("upright.bmp")
    up.save("upright.webp", lossless=True)
    up.save("progressive.jpg", quality=95, progressive=True)
    up.convert("CMYK").save("cmyk.jpg", quality=95)
    up.convert("L").save("gray.png")

    # EXIF orientation 6 ("rotate 90 clockwise to view"): store the upright picture turned 90 counter-clockwise
    exif = Image.Exif()
    exif[0x0112] = 6
    up.transpose(Image.Transpose.ROTATE_90).save("orientation6.jpg", quality=95, exif=exif.tobytes())

    # alpha: left half fully transparent, right half opaque green
    rgba = Image.new("RGBA", (W, H), (0, 0, 0, 0))
    for y in range(H):
        for x in range(W // 2, W):
            rgba.putpixel((x, y), GREEN + (255,))
    rgba.save("alpha.png")

    # an animation: the first frame red, the second blue
    frames = [Image.new("RGB", (W, H), RED), Image.new("RGB", (W, H), BLUE)]
    frames[0].save("animated.gif", save_all=True, append_images=frames[1:], duration=100, loop=0)

    # truncated: a JPEG cut in the middle of its entropy-coded data
    buf = io.BytesIO()
    Image.effect_noise((64, 64), 80).convert("RGB").save(buf, "JPEG", quality=90)
    data = buf.getvalue()
    open("truncated.jpg", "wb").write(data[: len(data) // 2])

    # corrupt: a PNG signature followed by garbage
    open("corrupt.png", "wb").write(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)

    # a decompression bomb's header: a valid PNG that claims 100,000 x 100,000 pixels
    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)

    ihdr = struct.pack(">IIBBBBB", 100_000, 100_000, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 1024)
    open("bomb.png", "wb").write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b""))

    # a format the plugin does not read
    Image.new("RGB", (W, H), RED).save("image.tiff")


if __name__ == "__main__":
    main()
