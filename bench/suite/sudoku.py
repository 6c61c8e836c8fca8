# Sudoku by constraint propagation and search: dicts, sets of strings, recursion.
# half: held-out
ROWS, COLS = "ABCDEFGHI", "123456789"
SQUARES = [r + c for r in ROWS for c in COLS]
UNITS = ([[r + c for c in COLS] for r in ROWS] + [[r + c for r in ROWS] for c in COLS] +
         [[r + c for r in rs for c in cs] for rs in ("ABC", "DEF", "GHI")
          for cs in ("123", "456", "789")])
UNITS_OF = {s: [u for u in UNITS if s in u] for s in SQUARES}
PEERS = {s: set(sum(UNITS_OF[s], [])) - {s} for s in SQUARES}
PUZZLES = [
    "4.....8.5.3..........7......2.....6.....8.4......1.......6.3.7.5..2.....1.4......",
    "52...6.........7.13...........4..8..6......5...........418.........3..2...87.....",
    "..3.2.6..9..3.5..1..18.64....81.29..7.......8..67.82....26.95..8..2.3..9..5.1.3..",
    "2...8.3...6..7..84.3.5..2.9...1.54.8.........4.27.6...3.1..7.4.72..4..6...4.1...3",
]


def assign(values, s, d):
    for other in values[s].replace(d, ""):
        if not eliminate(values, s, other):
            return False
    return values


def eliminate(values, s, d):
    if d not in values[s]:
        return values
    values[s] = values[s].replace(d, "")
    if not values[s]:
        return False
    if len(values[s]) == 1:
        d2 = values[s]
        if not all(eliminate(values, p, d2) for p in PEERS[s]):
            return False
    for u in UNITS_OF[s]:
        places = [q for q in u if d in values[q]]
        if not places:
            return False
        if len(places) == 1 and not assign(values, places[0], d):
            return False
    return values


def search(values):
    if values is False:
        return False
    if all(len(values[s]) == 1 for s in SQUARES):
        return values
    _, s = min((len(values[s]), s) for s in SQUARES if len(values[s]) > 1)
    for d in values[s]:
        result = search(assign(dict(values), s, d))
        if result:
            return result
    return False


def solve(grid):
    values = {s: COLS for s in SQUARES}
    for s, d in zip(SQUARES, grid):
        if d in COLS and not assign(values, s, d):
            return False
    return search(values)


def bench():
    solved = []
    for _ in range(3):
        solved = [solve(p) for p in PUZZLES]
    return ["".join(v[s] for s in SQUARES) for v in solved]
