"""Between laptops: session and review packages, merging, conflicts, the merge report."""
