// File: lib/base/large_stack.cc
//
// RunOnLargeStack (large_stack.h): a pthread with a big stack, joined.
#include "base/large_stack.h"

#include <pthread.h>

namespace verdict {

void RunOnLargeStack(const std::function<void()>& fn) {
  pthread_attr_t attr;
  pthread_t thread;
  bool started = pthread_attr_init(&attr) == 0 &&
                 pthread_attr_setstacksize(&attr, kLargeStackBytes) == 0 &&
                 pthread_create(
                     &thread, &attr,
                     [](void* arg) -> void* {
                       (*static_cast<const std::function<void()>*>(arg))();
                       return nullptr;
                     },
                     const_cast<std::function<void()>*>(&fn)) == 0;
  pthread_attr_destroy(&attr);
  if (started) {
    pthread_join(thread, nullptr);
  } else {
    fn();  // no thread available: run here (fine for ordinary stacks)
  }
}

}  // namespace verdict
