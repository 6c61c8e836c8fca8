# pickle of user-defined class instances and dataclasses (reduce protocol).
# half: held-out
import dataclasses
import pickle


class Point:
    def __init__(self, x, y):
        self.x, self.y = x, y

    def __eq__(self, other):
        return (self.x, self.y) == (other.x, other.y)


@dataclasses.dataclass
class Record:
    key: str
    point: Point
    values: list


def bench():
    records = [Record("k%d" % i, Point(i, -i), [i, i * 2]) for i in range(1250)]
    total = 0
    for _ in range(3):
        blob = pickle.dumps(records, 4)
        total += len(blob)
        back = pickle.loads(blob)
    return total, back == records
