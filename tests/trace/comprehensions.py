nums = [3, 1, 2]
squares = [n * n for n in nums]
index = {n: i for i, n in enumerate(nums)}
evens = {n for n in nums if n % 2 == 0}
total = sum(n + 1 for n in nums)
print(squares, index, sorted(evens), total)
