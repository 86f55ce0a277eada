#!/usr/bin/env python3
"""Writes the seed corpora in tests/fuzz/corpus/<target>/: hand-made valid and
near-valid inputs for each target, so a short run starts past the easy parts.
Binary protobuf seeds come from `protoc --encode`, SSH keys from ssh-keygen
(fresh keys each time: rerunning changes those files). See docs/fuzzing.md."""
import os
import struct
import subprocess
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
PROTO_DIR = os.path.join(HERE, "..", "..", "proto")


def write(target, name, data):
    if isinstance(data, str):
        data = data.encode()
    os.makedirs(os.path.join(HERE, "corpus", target), exist_ok=True)
    with open(os.path.join(HERE, "corpus", target, name), "wb") as f:
        f.write(data)


def public_keys():
    keys = {}
    with tempfile.TemporaryDirectory() as tmp:
        for kind, extra in (("ed25519", []), ("rsa", ["-b", "2048"]), ("ecdsa", [])):
            path = os.path.join(tmp, kind)
            subprocess.run(["ssh-keygen", "-q", "-t", kind, *extra, "-N", "", "-C",
                            "user@laptop", "-f", path], check=True)
            with open(path + ".pub") as f:
                keys[kind] = f.read().strip()
    return keys


def encode(message, text):
    return subprocess.run(
        ["protoc", "-I", PROTO_DIR, f"--encode=gureum.v1.{message}", "gureum/v1/compute.proto"],
        input=text.encode(), capture_output=True, check=True).stdout


def qcow2(version=3, backing=0, size=1 << 30, incompatible=0):
    h = b"QFI\xfb" + struct.pack(">IQIIQ", version, backing, 0, 16, size)
    h += struct.pack(">IIQQIIQ", 0, 1, 0x30000, 0x10000, 1, 0, 0)
    if version >= 3:
        h += struct.pack(">QQQII", incompatible, 0, 0, 4, 112)
    return h + b"\x00" * (512 - len(h))


def main():
    keys = public_keys()
    ed, rsa, ecdsa = keys["ed25519"], keys["rsa"], keys["ecdsa"]

    # request_validator_fuzz: selector byte, 'j' (JSON) or 'p' (wire format), message.
    requests = {
        "a": ("RunInstancesRequest",
              '{"imageId":"ami-0123abcd","instanceType":"g1.small","minCount":1,"maxCount":3,'
              '"keyName":"k1","userData":"aGVsbG8=","tags":[{"key":"Name","value":"web"}],'
              '"clientToken":"tok-1","placement":{"groupName":"g","availabilityZone":"zone-a"}}',
              'image_id: "ami-0123abcd" instance_type: "g1.small" min_count: 2 max_count: 5 '
              'user_data: "#!/bin/sh" tags { key: "Name" value: "db" } client_token: "abc"'),
        "b": ("DescribeInstancesRequest",
              '{"filters":[{"name":"tag:Name","values":["web"]},{"name":"instance-state-name",'
              '"values":["running","stopped"]}],"maxResults":5,"nextToken":"Z3VyZXVtLXBhZ2U6MTI"}',
              'instance_ids: "i-0123abcd" instance_ids: "i-0123456789abcdef0" '
              'filters { name: "image-id" values: "ami-0123abcd" }'),
        "c": ("StartInstancesRequest", '{"instanceIds":["i-0123abcd"]}',
              'instance_ids: "i-0123abcd"'),
        "d": ("StopInstancesRequest", '{"instanceIds":["i-0123abcd"],"force":true}',
              'instance_ids: "i-0123abcd" force: true'),
        "e": ("TerminateInstancesRequest",
              '{"instanceIds":["i-0123abcd","i-0123456789abcdef0"]}', 'instance_ids: "i-0123abcd"'),
        "f": ("RebootInstancesRequest", '{"instanceIds":["i-0123abcd"]}',
              'instance_ids: "i-0123abcd"'),
        "g": ("ImportImageRequest",
              '{"name":"debian 12 (bookworm)","description":"d","sourcePath":"/srv/images/d.qcow2",'
              '"kernelPath":"/boot/vmlinuz","ramdiskPath":"/boot/initrd.img",'
              '"kernelArgs":"console=ttyS0 root=/dev/vda1","clientToken":"t-1"}',
              'name: "tiny" source_path: "/srv/tiny.raw"'),
        "h": ("DescribeImagesRequest",
              '{"imageIds":["ami-0123abcd"],"filters":[{"name":"disk-format","values":["qcow2"]}]}',
              'filters { name: "state" values: "available" }'),
        "i": ("CreateInstanceTypeRequest",
              '{"instanceType":{"instanceType":"g1.small","vcpus":2,"memoryMib":"2048",'
              '"rootDiskGib":"20","hypervisor":"kvm"}}',
              'instance_type { instance_type: "m1.huge" vcpus: 64 memory_mib: 262144 '
              'root_disk_gib: 500 }'),
        "j": ("ImportKeyPairRequest", '{"keyName":"laptop","publicKeyMaterial":"%s"}' % ed,
              'key_name: "work" public_key_material: "%s"' % rsa),
        "k": ("CreatePlacementGroupRequest",
              '{"groupName":"web-spread","strategy":"spread","tags":[{"key":"team","value":"a"}]}',
              'group_name: "db" strategy: "cluster"'),
        "l": ("DeletePlacementGroupRequest", '{"groupId":"pg-0123abcd"}', 'group_name: "db"'),
        "m": ("SetQuotaRequest", '{"projectId":"p1","resource":"vcpus","limit":"64"}',
              'resource: "instances" limit: -1'),
        "n": ("DisableHostRequest", '{"hostId":"host-3","reason":"disk replacement"}',
              'host_id: "h-1"'),
        "o": ("GetConsoleOutputRequest", '{"instanceId":"i-0123abcd","latest":true}',
              'instance_id: "i-0123abcd"'),
        "p": ("DeregisterImageRequest", '{"imageId":"ami-0123456789abcdef0"}',
              'image_id: "ami-0123abcd"'),
    }
    for selector, (message, json, text) in requests.items():
        write("request_validator_fuzz", f"{selector}-{message}.json", selector + "j" + json)
        write("request_validator_fuzz", f"{selector}-{message}.pb",
              selector.encode() + b"p" + encode(message, text))

    write("next_token_fuzz", "page-12", "Z3VyZXVtLXBhZ2U6MTI")  # gureum-page:12
    write("next_token_fuzz", "page-0", "Z3VyZXVtLXBhZ2U6MA")
    write("next_token_fuzz", "not-ours", "bm90LW91cnM")

    write("ssh_public_key_fuzz", "ed25519", ed + "\n")
    write("ssh_public_key_fuzz", "rsa", rsa + "\n")
    write("ssh_public_key_fuzz", "ecdsa", ecdsa)
    write("ssh_public_key_fuzz", "no-comment", " ".join(ed.split()[:2]))
    write("ssh_public_key_fuzz", "dsa", "ssh-dss AAAAB3NzaC1kc3MAAACBAP== x")

    write("image_header_fuzz", "raw", b"\x00" * 16 + b"raw disk bytes" + b"\x55\xaa")
    write("image_header_fuzz", "qcow2-v3", qcow2())
    write("image_header_fuzz", "qcow2-v2", qcow2(version=2))
    write("image_header_fuzz", "qcow2-backing", qcow2(backing=0x200))
    write("image_header_fuzz", "qcow2-data-file", qcow2(incompatible=4))
    write("image_header_fuzz", "qcow2-short", b"QFI\xfb\x00\x00\x00\x03")

    cli = {
        "filter-shorthand": "fName=instance-state-name,Values=running,stopped",
        "filter-values-first": "fValues=a,Name=tag:Name",
        "filter-json": 'f[{"Name":"tag:Name","Values":["a,b","c"]}]',
        "filter-json-object": 'f {"Name":"image-id","Values":["ami-0123abcd"]}',
        "tag": "tName=web=1",
        "tag-empty-value": "tk=",
        "count": "c2:5",
        "count-one": "c3",
        "ids": "ii-0123abcd,i-0123abcd,,i-89abcdef",
        "file-ref": "rfile://~/user-data.sh",
        "fileb-ref": "rfileb:///tmp/x",
    }
    for name, value in cli.items():
        write("cli_argument_parsers_fuzz", name, value)

    write("yaml_quote_fuzz", "hostname", "ip-10-0-0-5")
    write("yaml_quote_fuzz", "ssh-key", ed)
    write("yaml_quote_fuzz", "controls", 'a"b\\c\nd\te\x01\x7f')
    write("yaml_quote_fuzz", "unicode", "h\u00e9llo \u2028 \ufeff \U0001F600 \u0085")
    write("yaml_quote_fuzz", "bad-utf8", b"ab\xc0\xafcd\xed\xa0\x80")

    ns = "https://gureum.dev/xmlns/instance/1"
    write("domain_xml_fuzz", "metadata",
          "m<instance><id>i-0123abcd</id><owner>agent-1</owner>"
          "<console-log>/var/lib/gureum/i.log</console-log><started-ms>1700000000000</started-ms>"
          '<dhcp network="default" mac="52:54:00:12:34:56" ip="192.168.122.10"/>'
          '<meta key="hostname">ip-192-168-122-10</meta><meta key="image_id">ami-0123abcd</meta>'
          "</instance>")
    write("domain_xml_fuzz", "metadata-prefixed",
          f'm<gureum:instance xmlns:gureum="{ns}"><gureum:id>i-1</gureum:id>'
          "<gureum:future>x</gureum:future></gureum:instance>")
    write("domain_xml_fuzz", "domain",
          f'd<domain type="kvm"><name>gureum-i-0123abcd</name><metadata><g:instance xmlns:g="{ns}">'
          '<g:id>i-0123abcd</g:id><g:meta key="private_ip">10.0.0.5</g:meta></g:instance>'
          "</metadata></domain>")
    write("domain_xml_fuzz", "domain-foreign",
          'd<domain><name>other</name><metadata><app:x xmlns:app="urn:x"/></metadata></domain>')
    write("domain_xml_fuzz", "network",
          'n<network><name>default</name><forward mode="nat"/><bridge name="virbr0"/>'
          '<ip address="192.168.122.1" netmask="255.255.255.0"><dhcp>'
          '<range start="192.168.122.2" end="192.168.122.254"/>'
          '<host mac="52:54:00:AA:BB:CC" ip="192.168.122.7" name="i-1"/></dhcp></ip></network>')
    write("domain_xml_fuzz", "network-prefix",
          'n<network><name>n</name><ip family="ipv4" address="10.1.0.1" prefix="16"/></network>')
    write("domain_xml_fuzz", "spec", "s" + "i-0123abcd\\" + "\x02\x00\x00\x00" * 4 +
          "var/lib/x.qcow2\\" + "\x00" * 40)


if __name__ == "__main__":
    main()
