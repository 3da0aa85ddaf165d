/* Compiled by the config, but names no kthread API: not analysed. */
int noapi(int x) { return x + 1; }
