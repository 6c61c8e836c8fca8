import asyncio


async def main():
    print("start")
    await asyncio.sleep(0)
    return 42


value = await main()
print(value)
