// Background threads of the plugin (the search indexer) give way to the broker thread and the
// send writer when the cores are busy: their work can wait a moment, a send should not. On Linux
// each thread has its own nice value, set through its thread id.
#pragma once

#include "mqchat/status.h"

namespace mqchat {

// Sets the calling thread's nice value to `nice` (0..19: raising it needs no privilege; lowering
// it back may). kInternal with errno's text on failure.
Status SetThisThreadNice(int nice);

// The calling thread's nice value.
int ThisThreadNice();

}  // namespace mqchat
