// Nothing to compile: the module exists for its header, which declares libFuzzer's driver to Swift.
#include "CLibFuzzer.h"
