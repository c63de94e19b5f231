#include "io/pth/unpickler.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <unordered_map>

#include "core/check.hpp"
#include "io/pth/byte_reader.hpp"

namespace ttnn::io::pth {
namespace {

// The only globals a state dict needs. Storage types appear as persistent-id tags, never called.
constexpr std::array<std::string_view, 14> kAllowedGlobals = {
    "collections.OrderedDict",
    "torch._utils._rebuild_tensor_v2",
    "torch._utils._rebuild_tensor",
    "torch._utils._rebuild_parameter",
    "torch.FloatStorage", "torch.DoubleStorage", "torch.HalfStorage", "torch.BFloat16Storage",
    "torch.LongStorage", "torch.IntStorage", "torch.ShortStorage", "torch.CharStorage",
    "torch.ByteStorage", "torch.BoolStorage",
};

constexpr size_t kMaxCallArguments = 8;

namespace op {
enum : uint8_t {
  MARK = '(', STOP = '.', POP = '0', POP_MARK = '1', DUP = '2', BININT = 'J', BININT1 = 'K',
  BININT2 = 'M', NONE = 'N', BINPERSID = 'Q', REDUCE = 'R', BINSTRING = 'T', SHORT_BINSTRING = 'U',
  BINUNICODE = 'X', APPEND = 'a', BUILD = 'b', GLOBAL = 'c', DICT = 'd', EMPTY_DICT = '}',
  APPENDS = 'e', BINGET = 'h', LONG_BINGET = 'j', LIST = 'l', EMPTY_LIST = ']', BINPUT = 'q',
  LONG_BINPUT = 'r', SETITEM = 's', TUPLE = 't', EMPTY_TUPLE = ')', SETITEMS = 'u', BINFLOAT = 'G',
  PROTO = 0x80, NEWOBJ = 0x81, TUPLE1 = 0x85, TUPLE2 = 0x86, TUPLE3 = 0x87, NEWTRUE = 0x88,
  NEWFALSE = 0x89, LONG1 = 0x8a, LONG4 = 0x8b, BINBYTES = 'B', SHORT_BINBYTES = 'C',
  SHORT_BINUNICODE = 0x8c, BINUNICODE8 = 0x8d, BINBYTES8 = 0x8e, STACK_GLOBAL = 0x93,
  MEMOIZE = 0x94, FRAME = 0x95,
};
}  // namespace op

// Well-formed UTF-8; surrogates pass, as pickle writes them with "surrogatepass".
bool valid_utf8(std::span<const std::byte> text) {
  size_t i = 0;
  while (i < text.size()) {
    const auto lead = static_cast<uint8_t>(text[i]);
    size_t extra = 0;
    uint32_t code = 0;
    if (lead < 0x80) { ++i; continue; }
    if (lead >= 0xc2 && lead <= 0xdf) { extra = 1; code = lead & 0x1fu; }
    else if (lead >= 0xe0 && lead <= 0xef) { extra = 2; code = lead & 0x0fu; }
    else if (lead >= 0xf0 && lead <= 0xf4) { extra = 3; code = lead & 0x07u; }
    else return false;
    if (text.size() - i <= extra) return false;
    for (size_t k = 1; k <= extra; ++k) {
      const auto next = static_cast<uint8_t>(text[i + k]);
      if ((next & 0xc0u) != 0x80u) return false;
      code = (code << 6) | (next & 0x3fu);
    }
    if ((extra == 2 && code < 0x800) || (extra == 3 && (code < 0x10000 || code > 0x10ffff))) return false;
    i += extra + 1;
  }
  return true;
}

class Machine {
 public:
  Machine(std::span<const std::byte> bytes, std::string_view what, size_t base, const UnpickleLimits& limits)
      : in_(bytes, what, base), what_(what), limits_(limits), arena_(std::make_unique<std::deque<Value>>()) {}

  Pickle run() {
    for (;;) {
      op_offset_ = in_.file_offset();
      const uint8_t code = in_.u8("pickle opcode");
      if (code == op::STOP) {
        if (!marks_.empty() || stack_.size() != 1)
          error("STOP with {} values on the stack and {} open MARKs (expected exactly one value)",
                stack_.size(), marks_.size());
        return Pickle(std::move(arena_), stack_.back(), in_.pos());
      }
      step(code);
    }
  }

 private:
  template <class... Args>
  [[noreturn]] void error(fmt::format_string<Args...> format, Args&&... args) {
    fail<FormatError>("{}: pickle opcode at byte {}: {}", what_, op_offset_,
                      fmt::format(format, std::forward<Args>(args)...));
  }

  Value* make(Kind kind) {
    if (arena_->size() >= limits_.max_values) error("more than {} values", limits_.max_values);
    Value& value = arena_->emplace_back();
    value.kind = kind;
    return &value;
  }
  Value* make_int(int64_t number, Kind kind = Kind::Int) {
    Value* value = make(kind);
    value->integer = number;
    return value;
  }

  void push(Value* value) {
    if (stack_.size() >= limits_.max_stack) error("stack deeper than {}", limits_.max_stack);
    stack_.push_back(value);
  }
  size_t floor() const { return marks_.empty() ? 0 : marks_.back(); }
  Value* pop() {
    if (stack_.size() <= floor()) error("stack underflow");
    Value* value = stack_.back();
    stack_.pop_back();
    return value;
  }
  Value* top() {
    if (stack_.size() <= floor()) error("stack underflow");
    return stack_.back();
  }
  std::vector<Value*> pop_mark() {
    if (marks_.empty()) error("no MARK to pop to");
    const size_t mark = marks_.back();
    marks_.pop_back();
    std::vector<Value*> items(stack_.begin() + static_cast<ptrdiff_t>(mark), stack_.end());
    stack_.resize(mark);
    return items;
  }
  Value* top_of(Kind kind, std::string_view opname) {
    Value* target = top();
    if (target->kind != kind) error("{} on a {}, expected a {}", opname, kind_name(target->kind), kind_name(kind));
    return target;
  }

  Value* text_value(Kind kind, uint64_t length) {
    const auto raw = in_.take(length, kind == Kind::Bytes ? "pickle bytes" : "pickle string");
    if (kind == Kind::String && !valid_utf8(raw)) error("string of {} bytes is not valid UTF-8", length);
    Value* value = make(kind);
    value->text.assign(reinterpret_cast<const char*>(raw.data()), raw.size());
    return value;
  }

  // Python ints of any width: small ones become Int, others keep their bytes (the legacy magic number).
  Value* long_value(uint64_t length) {
    if (length > limits_.max_long_bytes) error("LONG of {} bytes exceeds {}", length, limits_.max_long_bytes);
    const auto raw = in_.take(length, "pickle LONG");
    if (length == 0) return make_int(0);
    const bool negative = (static_cast<uint8_t>(raw.back()) & 0x80u) != 0;
    const auto fill = negative ? std::byte{0xff} : std::byte{0};
    const bool fits = std::all_of(raw.begin() + static_cast<ptrdiff_t>(std::min<size_t>(length, 8)),
                                  raw.end(), [&](std::byte b) { return b == fill; }) &&
                      (length <= 8 || ((static_cast<uint8_t>(raw[7]) & 0x80u) != 0) == negative);
    if (!fits) {
      Value* big = make(Kind::BigInt);
      big->text.assign(reinterpret_cast<const char*>(raw.data()), raw.size());
      return big;
    }
    const size_t width = std::min<size_t>(length, 8);
    uint64_t bits = ByteReader::assemble(raw.first(width), false);
    if (negative && width < 8) bits |= ~uint64_t{0} << (8 * width);
    return make_int(static_cast<int64_t>(bits));
  }

  Value* global(std::string_view module, std::string_view name) {
    std::string qualified = fmt::format("{}.{}", module, name);
    if (std::find(kAllowedGlobals.begin(), kAllowedGlobals.end(), qualified) == kAllowedGlobals.end())
      error("global '{}' is not allowed: a state dict only uses OrderedDict, torch tensor rebuilds and "
            "torch storage types; refusing to load", qualified.substr(0, 200));
    Value* value = make(Kind::Global);
    value->text = std::move(qualified);
    return value;
  }

  // REDUCE / NEWOBJ: nothing is executed; an OrderedDict becomes a Dict, other allowed globals a Call.
  Value* call(Value* callable, Value* args) {
    if (callable->kind != Kind::Global) error("call of a {}, expected a global", kind_name(callable->kind));
    if (args->kind != Kind::Tuple) error("call arguments are a {}, expected a tuple", kind_name(args->kind));
    if (callable->text == "collections.OrderedDict") {
      // torch pickles OrderedDict() empty and fills it with SETITEMS.
      if (!args->items.empty()) error("OrderedDict called with {} arguments (expected none)", args->items.size());
      return make(Kind::Dict);
    }
    if (callable->text.find("Storage") != std::string::npos) error("'{}' cannot be called", callable->text);
    // The rebuild functions take at most 7 arguments; the bound also keeps copying them cheap.
    if (args->items.size() > kMaxCallArguments)
      error("{} called with {} arguments (at most {})", callable->text, args->items.size(), kMaxCallArguments);
    Value* result = make(Kind::Call);
    result->text = callable->text;
    result->items = args->items;
    return result;
  }

  void memo_put(uint64_t key) {
    Value* value = top();
    auto [slot, inserted] = memo_.try_emplace(key, value);
    if (!inserted) slot->second = value;
    else if (memo_.size() > limits_.max_memo) error("more than {} memo entries", limits_.max_memo);
  }
  void memo_get(uint64_t key) {
    const auto found = memo_.find(key);
    if (found == memo_.end()) error("memo key {} was never stored", key);
    push(found->second);
  }

  void add_pairs(Value* dict, const std::vector<Value*>& items) {
    if (items.size() % 2 != 0) error("odd number of values ({}) for dict items", items.size());
    for (size_t i = 0; i < items.size(); i += 2) dict->entries.emplace_back(items[i], items[i + 1]);
  }

  void step(uint8_t code) {
    switch (code) {
      case op::PROTO: {
        const uint8_t version = in_.u8("PROTO version");
        if (version > 5) error("pickle protocol {} is newer than 5", version);
        break;
      }
      case op::FRAME: {
        const uint64_t length = in_.le(8, "FRAME length");
        if (length > in_.remaining()) error("FRAME of {} bytes but only {} remain", length, in_.remaining());
        break;
      }
      case op::MARK:
        if (marks_.size() >= limits_.max_mark_depth) error("MARKs nested deeper than {}", limits_.max_mark_depth);
        marks_.push_back(stack_.size());
        break;
      case op::POP:
        if (stack_.size() > floor()) stack_.pop_back();
        else pop_mark();
        break;
      case op::POP_MARK: pop_mark(); break;
      case op::DUP: push(top()); break;
      case op::NONE: push(make(Kind::None)); break;
      case op::NEWTRUE: push(make_int(1, Kind::Bool)); break;
      case op::NEWFALSE: push(make_int(0, Kind::Bool)); break;
      case op::BININT: push(make_int(static_cast<int32_t>(in_.le(4, "BININT")))); break;
      case op::BININT1: push(make_int(in_.u8("BININT1"))); break;
      case op::BININT2: push(make_int(static_cast<int64_t>(in_.le(2, "BININT2")))); break;
      case op::LONG1: push(long_value(in_.u8("LONG1 length"))); break;
      case op::LONG4: {
        const auto length = static_cast<int32_t>(in_.le(4, "LONG4 length"));
        if (length < 0) error("negative LONG4 length");
        push(long_value(static_cast<uint64_t>(length)));
        break;
      }
      case op::BINFLOAT: {
        Value* value = make(Kind::Float);
        value->real = std::bit_cast<double>(in_.be(8, "BINFLOAT"));
        push(value);
        break;
      }
      case op::SHORT_BINUNICODE: push(text_value(Kind::String, in_.u8("string length"))); break;
      case op::BINUNICODE: push(text_value(Kind::String, in_.le(4, "string length"))); break;
      case op::BINUNICODE8: push(text_value(Kind::String, in_.le(8, "string length"))); break;
      case op::SHORT_BINSTRING: push(text_value(Kind::String, in_.u8("string length"))); break;
      case op::BINSTRING: {
        const auto length = static_cast<int32_t>(in_.le(4, "string length"));
        if (length < 0) error("negative BINSTRING length");
        push(text_value(Kind::String, static_cast<uint64_t>(length)));
        break;
      }
      case op::SHORT_BINBYTES: push(text_value(Kind::Bytes, in_.u8("bytes length"))); break;
      case op::BINBYTES: push(text_value(Kind::Bytes, in_.le(4, "bytes length"))); break;
      case op::BINBYTES8: push(text_value(Kind::Bytes, in_.le(8, "bytes length"))); break;
      case op::EMPTY_DICT: push(make(Kind::Dict)); break;
      case op::EMPTY_LIST: push(make(Kind::List)); break;
      case op::EMPTY_TUPLE: push(make(Kind::Tuple)); break;
      case op::TUPLE: {
        Value* tuple = make(Kind::Tuple);
        tuple->items = pop_mark();
        push(tuple);
        break;
      }
      case op::TUPLE1: case op::TUPLE2: case op::TUPLE3: {
        Value* tuple = make(Kind::Tuple);
        tuple->items.resize(code - op::TUPLE1 + 1u);
        for (auto slot = tuple->items.rbegin(); slot != tuple->items.rend(); ++slot) *slot = pop();
        push(tuple);
        break;
      }
      case op::LIST: {
        Value* list = make(Kind::List);
        list->items = pop_mark();
        push(list);
        break;
      }
      case op::DICT: {
        Value* dict = make(Kind::Dict);
        add_pairs(dict, pop_mark());
        push(dict);
        break;
      }
      case op::APPEND: {
        Value* item = pop();
        top_of(Kind::List, "APPEND")->items.push_back(item);
        break;
      }
      case op::APPENDS: {
        auto items = pop_mark();
        auto& list = top_of(Kind::List, "APPENDS")->items;
        list.insert(list.end(), items.begin(), items.end());
        break;
      }
      case op::SETITEM: {
        Value* value = pop();
        Value* key = pop();
        top_of(Kind::Dict, "SETITEM")->entries.emplace_back(key, value);
        break;
      }
      case op::SETITEMS: {
        auto items = pop_mark();
        add_pairs(top_of(Kind::Dict, "SETITEMS"), items);
        break;
      }
      case op::BINPUT: memo_put(in_.u8("BINPUT index")); break;
      case op::LONG_BINPUT: memo_put(in_.le(4, "LONG_BINPUT index")); break;
      case op::MEMOIZE: memo_put(memo_.size()); break;
      case op::BINGET: memo_get(in_.u8("BINGET index")); break;
      case op::LONG_BINGET: memo_get(in_.le(4, "LONG_BINGET index")); break;
      case op::GLOBAL: {
        const auto module = in_.line(256, "GLOBAL module");
        const auto name = in_.line(256, "GLOBAL name");
        push(global(module, name));
        break;
      }
      case op::STACK_GLOBAL: {
        Value* name = pop();
        Value* module = pop();
        if (module->kind != Kind::String || name->kind != Kind::String) error("STACK_GLOBAL needs two strings");
        push(global(module->text, name->text));
        break;
      }
      case op::REDUCE: case op::NEWOBJ: {
        Value* args = pop();
        Value* callable = pop();
        push(call(callable, args));
        break;
      }
      case op::BUILD: {
        pop();  // object state (OrderedDict._metadata and the like): not needed, never applied
        const Kind kind = top()->kind;
        if (kind != Kind::Dict && kind != Kind::Call) error("BUILD on a {}", kind_name(kind));
        break;
      }
      case op::BINPERSID: {
        Value* pid = make(Kind::PersistentId);
        pid->items.push_back(pop());
        push(pid);
        break;
      }
      default: error("unsupported opcode 0x{:02x}", code);
    }
  }

  ByteReader in_;
  std::string_view what_;
  UnpickleLimits limits_;
  std::unique_ptr<std::deque<Value>> arena_;
  std::vector<Value*> stack_;
  std::vector<size_t> marks_;
  std::unordered_map<uint64_t, Value*> memo_;
  size_t op_offset_ = 0;
};

}  // namespace

std::string_view kind_name(Kind kind) {
  switch (kind) {
    case Kind::None: return "None";
    case Kind::Bool: return "bool";
    case Kind::Int: return "int";
    case Kind::BigInt: return "int";
    case Kind::Float: return "float";
    case Kind::String: return "str";
    case Kind::Bytes: return "bytes";
    case Kind::Tuple: return "tuple";
    case Kind::List: return "list";
    case Kind::Dict: return "dict";
    case Kind::Global: return "global";
    case Kind::Call: return "object";
    case Kind::PersistentId: return "persistent id";
  }
  return "?";
}

Pickle unpickle(std::span<const std::byte> bytes, std::string_view what, size_t base_offset,
                const UnpickleLimits& limits) {
  return Machine(bytes, what, base_offset, limits).run();
}

const Value* dict_get(const Value& dict, std::string_view key) {
  const Value* found = nullptr;
  for (const auto& [k, v] : dict.entries)
    if (k->kind == Kind::String && k->text == key) found = v;
  return found;
}

}  // namespace ttnn::io::pth
