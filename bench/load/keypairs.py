"""CreateKeyPair cost by key type, and whether RSA generation holds up other writers.

Starts `openvpc serve` (OPENVPC_BIN, default target/release/openvpc) on a fresh directory,
then, side by side in one run: N CreateKeyPair of each type (median latency), and CreateVpc
latency alone vs while another client creates RSA keys back to back (ratio). Usage:
    python3 bench/load/keypairs.py [N]
"""

import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

import boto3
import botocore.config


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def client(endpoint):
    return boto3.client("ec2", endpoint_url=endpoint, region_name="us-east-1",
                        aws_access_key_id="111111111111", aws_secret_access_key="x",
                        config=botocore.config.Config(retries={"max_attempts": 1}))


def timed(f):
    t = time.perf_counter()
    f()
    return (time.perf_counter() - t) * 1000


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    binary = os.environ.get("OPENVPC_BIN", "target/release/openvpc")
    port = free_port()
    endpoint = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory() as d:
        server = subprocess.Popen([binary, "serve", "--listen", f"127.0.0.1:{port}",
                                   "--data-dir", d], stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL)
        try:
            for _ in range(100):
                try:
                    urllib.request.urlopen(f"{endpoint}/_openvpc/health")
                    break
                except OSError:
                    time.sleep(0.1)
            ec2 = client(endpoint)
            for key_type in ("ed25519", "rsa"):
                ms = [timed(lambda i=i: ec2.create_key_pair(KeyName=f"{key_type}-{i}",
                                                            KeyType=key_type))
                      for i in range(n)]
                print(f"CreateKeyPair {key_type}: median {statistics.median(ms):.1f} ms")
            alone = [timed(lambda: ec2.create_vpc(CidrBlock="10.0.0.0/16")) for _ in range(n)]
            stop = threading.Event()

            def rsa_loop():
                other, i = client(endpoint), 0
                while not stop.is_set():
                    other.create_key_pair(KeyName=f"bg-{i}")
                    i += 1
            t = threading.Thread(target=rsa_loop)
            t.start()
            busy = [timed(lambda: ec2.create_vpc(CidrBlock="10.1.0.0/16")) for _ in range(n)]
            stop.set()
            t.join()
            a, b = statistics.median(alone), statistics.median(busy)
            print(f"CreateVpc median alone {a:.1f} ms, beside RSA generation {b:.1f} ms "
                  f"(ratio {b / a:.2f})")
        finally:
            server.terminate()
            server.wait()


if __name__ == "__main__":
    main()
