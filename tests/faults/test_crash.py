"""kill -9 at random points under concurrent writers: nothing acknowledged is lost."""

import random
import threading
from pathlib import Path

from faultkit import Server, all_vpcs, create_vpc, scratch

ROUNDS = 20
WRITERS = 8


def test_kill_9_under_concurrent_writers_loses_nothing_acknowledged():
    data = scratch("openvpc-crash-") / "data"
    rnd = random.Random(9)
    acked = {}  # vpc id -> account
    total_acked = 0
    for rnd_no in range(ROUNDS):
        s = Server(data)
        s.start()
        # Everything acknowledged in earlier rounds is there.
        for account in {a for a in acked.values()}:
            have = all_vpcs(s.endpoint, account)
            lost = {v for v, a in acked.items() if a == account} - have
            assert not lost, f"round {rnd_no}: lost {len(lost)} acknowledged VPCs"
        kill_after = rnd.randrange(5, 120)  # a random point: after this many acks
        lock, done = threading.Lock(), threading.Event()
        acks_this_round = [0]

        def writer(w):
            account = f"{100000000000 + w:012d}"
            i = 0
            while not done.is_set():
                try:
                    status, vpc, _ = create_vpc(s.endpoint, f"10.{w}.{i % 256}.0/24", account)
                except OSError:
                    return  # the server is gone
                i += 1
                if status == 200 and vpc:
                    with lock:
                        acked[vpc] = account
                        acks_this_round[0] += 1
                        if acks_this_round[0] >= kill_after:
                            done.set()

        threads = [threading.Thread(target=writer, args=(w,)) for w in range(WRITERS)]
        for t in threads:
            t.start()
        done.wait(120)
        s.kill9()  # while the other writers are mid-request
        done.set()
        for t in threads:
            t.join()
        total_acked += acks_this_round[0]
    s = Server(data)
    s.start()
    try:
        for account in {a for a in acked.values()}:
            lost = {v for v, a in acked.items() if a == account} - all_vpcs(s.endpoint, account)
            assert not lost, f"lost {len(lost)} of {total_acked} acknowledged writes"
    finally:
        s.stop()
    assert total_acked >= ROUNDS * 5
    print(f"{total_acked} acknowledged writes over {ROUNDS} kills, 0 lost")
