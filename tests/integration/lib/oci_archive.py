"""Wrap a rootfs tarball into an OCI image archive (helper of lib.sh).

usage: oci_archive.py ROOTFS.tar NAME OUT.tar

One uncompressed layer, linux/amd64, CMD /bin/sh and a default PATH; the index
entry is annotated with NAME (io.containerd.image.name, which `ctr images
import` uses as the image name) and its tag (org.opencontainers.image.ref.name).
Used because `ctr` has no equivalent of `docker import`.
"""
import hashlib
import io
import json
import sys
import tarfile
import time

DEFAULT_PATH = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"


def digest(data):
    return "sha256:" + hashlib.sha256(data).hexdigest()


def file_digest(path):
    h, size = hashlib.sha256(), 0
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
            size += len(chunk)
    return "sha256:" + h.hexdigest(), size


def blob(tar, data):
    add(tar, "blobs/sha256/" + digest(data)[7:], data)


def add(tar, path, data):
    info = tarfile.TarInfo(path)
    info.size = len(data)
    info.mtime = int(time.time())
    tar.addfile(info, io.BytesIO(data))


def main():
    layer, name, out = sys.argv[1:4]
    layer_digest, layer_size = file_digest(layer)
    config = json.dumps({
        "architecture": "amd64",
        "os": "linux",
        "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "config": {"Env": [DEFAULT_PATH], "Cmd": ["/bin/sh"]},
        "rootfs": {"type": "layers", "diff_ids": [layer_digest]},
    }).encode()
    manifest = json.dumps({
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                   "digest": digest(config), "size": len(config)},
        "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar",
                    "digest": layer_digest, "size": layer_size}],
    }).encode()
    last = name.rsplit("/", 1)[-1]
    tag = last.rsplit(":", 1)[1] if ":" in last else "latest"
    index = json.dumps({
        "schemaVersion": 2,
        "manifests": [{"mediaType": "application/vnd.oci.image.manifest.v1+json",
                       "digest": digest(manifest), "size": len(manifest),
                       "annotations": {"io.containerd.image.name": name,
                                       "org.opencontainers.image.ref.name": tag}}],
    }).encode()
    with tarfile.open(out, "w") as tar:
        add(tar, "oci-layout", b'{"imageLayoutVersion":"1.0.0"}')
        add(tar, "index.json", index)
        blob(tar, config)
        blob(tar, manifest)
        tar.add(layer, "blobs/sha256/" + layer_digest[7:])


if __name__ == "__main__":
    main()
