print("lantern-bench")
