using System.Runtime.CompilerServices;

// The hot paths stackalloc small scratch buffers (row sums, blocks of draws) and always
// write before reading them; zero-initialising them would only cost time.
[module: SkipLocalsInit]
