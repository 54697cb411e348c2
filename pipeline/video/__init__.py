"""Videos: phone originals in, web-ready MP4s and poster frames out (issue 16).

PyAV (whose wheels bundle FFmpeg with libx264, aac and libwebp) does the work,
so ``make build`` needs no system package; the tests check its outputs with
Debian's ``ffprobe`` and ``exiftool`` independently.
"""
