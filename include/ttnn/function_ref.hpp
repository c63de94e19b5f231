// A non-owning reference to a callable object (a lambda, a function object), for functions that call it
// before they return (parallel regions, row producers). Unlike std::function it never allocates, whatever
// the lambda captures: a forward pass makes hundreds of such calls and must not touch the heap. It must not
// outlive the callable: pass lambdas straight to the call, never store a FunctionRef to one.
#pragma once

#include <memory>
#include <type_traits>
#include <utility>

namespace ttnn {

template <class Signature>
class FunctionRef;

template <class R, class... Args>
class FunctionRef<R(Args...)> {
 public:
  template <class F>
    requires(!std::is_same_v<std::remove_cvref_t<F>, FunctionRef> && std::is_invocable_r_v<R, F&, Args...>)
  FunctionRef(F&& callable) noexcept  // NOLINT(google-explicit-constructor): lambdas convert as they do to std::function
      : object_(const_cast<void*>(static_cast<const void*>(std::addressof(callable)))),
        call_([](void* object, Args... args) -> R {
          return (*static_cast<std::remove_reference_t<F>*>(object))(std::forward<Args>(args)...);
        }) {}

  R operator()(Args... args) const { return call_(object_, std::forward<Args>(args)...); }

 private:
  void* object_;
  R (*call_)(void*, Args...);
};

}  // namespace ttnn
