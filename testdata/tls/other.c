/* The second object of the thread-local counters program: the extern counter's definition
 * and thread-locals of its own. */
_Thread_local int shared = 50;
static _Thread_local long mine[3] = {1, 2, 3};

int other_bump(int by) {
  mine[by % 3] += by;
  shared += 100;
  return (int)(mine[0] * 10000 + mine[1] * 100 + mine[2]);
}

int *shared_address(void) { return &shared; }
