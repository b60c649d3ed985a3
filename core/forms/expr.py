"""Safe parser and evaluator for the XLSForm expression subset (relevant, constraint, calculation).

Protocol workbooks are written by researchers, not programmers, so their expressions are parsed
into a small AST and interpreted here rather than handed to Python's evaluator: nothing outside
the documented subset can run, and mistakes are reported with a character offset when the form is
loaded instead of in the middle of an interview. Value semantics follow XPath 1.0 as ODK Collect
applies them, so a form behaves the same in Yingzao as in the ODK/Kobo tools its authors test with.

Pipeline: _tokenize() -> _Parser (Pratt) -> frozen AST nodes -> _evaluate().
"""

from __future__ import annotations

import datetime
import math
import numbers
import operator
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TypeAlias

from yingzao.core.errors import Text

__all__ = ["KNOWN_FUNCTIONS", "Expression", "ExpressionError", "compile_expression"]

# Arities are fixed: XPath lets some functions (string-length()) default to the context node,
# which in a form almost always means a forgotten argument rather than an intent to read '.'.
_ARITY: dict[str, int] = {
    "not": 1,
    "selected": 2,
    "count-selected": 1,
    "string-length": 1,
    "if": 3,
    "coalesce": 2,
    "today": 0,
    "true": 0,
    "false": 0,
}
KNOWN_FUNCTIONS: frozenset[str] = frozenset(_ARITY)

# Parser and evaluator recurse per nesting level and may run on top of a deep GUI stack; a bound
# far below Python's recursion limit turns pathological input into an ExpressionError at load time.
_MAX_DEPTH = 100


class ExpressionError(ValueError):
    """Syntax error in an expression; position is a 0-based offset into the source, or -1."""

    def __init__(self, message: Text | str, position: int = -1) -> None:
        text = message if isinstance(message, Text) else Text(message, message)
        super().__init__(text.en)
        self.text = text
        self.position = position

    @property
    def message(self) -> str:
        """What is wrong, in the interface language (`errors.set_language`)."""
        return str(self.text)

    def __str__(self) -> str:
        return self.message


# --- tokenizer --------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Token:
    kind: str  # "num", "str", "ref", "dot", "name", "op", "(", ")", ",", "end"
    text: str
    pos: int
    value: int | float | str = ""


_NUMBER = re.compile(r"[0-9]+(?:\.[0-9]*)?|\.[0-9]+")
# '-' and ':' join a word only before a letter, so "count-selected" and "jr:choice-name" stay one
# word (and get a precise "unknown function" message) while "5 div-1" still reads as "5 div -1".
_WORD = re.compile(r"[^\W\d](?:\w|[-:](?=[^\W\d]))*")
_QUESTION_NAME = re.compile(r"[^\W\d][\w.\-]*")
_OPERATORS = ("!=", "<=", ">=", "=", "<", ">", "+", "-", "*")
_WORD_OPERATORS = frozenset({"and", "or", "div", "mod"})
_PATH_HINT = Text(
    "不支持 XPath 路径；请用 ${name} 引用问题，用“.”表示本题的回答",
    "XPath paths are not supported; refer to a question as ${name} and to this answer as '.'",
)
# Chinese IMEs and Excel autocorrect substitute these for ASCII; naming the fix saves authors from
# staring at two brackets that look identical.
_LOOKALIKES = {
    "（": "(",
    "）": ")",
    "，": ",",
    "‘": "'",
    "’": "'",
    "“": '"',
    "”": '"',
    "＝": "=",
    "≥": ">=",
    "≤": "<=",
    "≠": "!=",
}
_CHAR_HINTS = {
    "!": Text("；请用 not(…) 或“!=”", "; use not(…) or '!='"),
    "&": Text("；请用“and”", "; use 'and'"),
    "|": Text("；请用“or”", "; use 'or'"),
}


def _tokenize(src: str) -> list[_Token]:
    tokens: list[_Token] = []
    i = 0
    while i < len(src):
        c = src[i]
        if c.isspace():
            i += 1
        elif m := _NUMBER.match(src, i):
            text = m.group()
            # Past ~300 digits a literal is beyond float range anyway, and int() of thousands of
            # digits raises; float() saturates to Infinity like an XPath double.
            is_float = "." in text or len(text) > 300
            tokens.append(_Token("num", text, i, float(text) if is_float else int(text)))
            i = m.end()
        elif c in "'\"":
            end = src.find(c, i + 1)
            if end < 0:
                raise ExpressionError(
                    Text(f"字符串没有结束：缺少右边的 {c}", f"unterminated string: missing closing {c}"), i
                )
            tokens.append(_Token("str", src[i : end + 1], i, src[i + 1 : end]))
            i = end + 1
        elif c == "$":
            i = _read_ref(src, i, tokens)
        elif m := _WORD.match(src, i):
            tokens.append(_Token("name", m.group(), i))
            i = m.end()
        elif src.startswith("..", i) or c in "/@[]":
            raise ExpressionError(_PATH_HINT, i)
        elif c in ".(),":
            tokens.append(_Token("dot" if c == "." else c, c, i))
            i += 1
        elif src.startswith("==", i):
            raise ExpressionError(Text("比较请用“=”，不要用“==”", "use '=' to compare, not '=='"), i)
        elif op := next((o for o in _OPERATORS if src.startswith(o, i)), None):
            tokens.append(_Token("op", op, i))
            i += len(op)
        elif c in _LOOKALIKES:
            raise ExpressionError(
                Text(
                    f"全角或弯引号字符 {c!r}；请输入半角的 {_LOOKALIKES[c]!r}",
                    f"full-width or curly {c!r}; type the ASCII {_LOOKALIKES[c]!r}",
                ),
                i,
            )
        else:
            hint = _CHAR_HINTS.get(c, Text("", ""))
            raise ExpressionError(Text(f"意外的字符 {c!r}{hint.zh}", f"unexpected character {c!r}{hint.en}"), i)
    tokens.append(_Token("end", "", len(src)))
    return tokens


def _read_ref(src: str, i: int, tokens: list[_Token]) -> int:
    if not src.startswith("${", i):
        raise ExpressionError(
            Text("“$”后面必须是 {name}，例如 ${name}", "'$' must be followed by {name}, as in ${name}"), i
        )
    close = src.find("}", i + 2)
    if close < 0:
        raise ExpressionError(Text("“${”后面缺少“}”", "missing '}' after '${'"), i)
    name = src[i + 2 : close]
    if not _QUESTION_NAME.fullmatch(name):
        raise ExpressionError(
            Text(f"${{…}} 中的问题名称 {name!r} 无效", f"invalid question name {name!r} in ${{…}}"), i + 2
        )
    tokens.append(_Token("ref", src[i : close + 1], i, name))
    return close + 1


# --- AST ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Const:
    value: int | float | str


@dataclass(frozen=True)
class Ref:
    name: str


@dataclass(frozen=True)
class Current:
    pass


@dataclass(frozen=True)
class Negate:
    operand: Node


@dataclass(frozen=True)
class Binary:
    op: str
    left: Node
    right: Node


@dataclass(frozen=True)
class Call:
    name: str
    args: tuple[Node, ...]


Node: TypeAlias = Const | Ref | Current | Negate | Binary | Call


def _walk(tree: Node) -> Iterator[tuple[Node, int]]:
    """Yield (node, depth) without recursing, so measuring a huge tree cannot itself overflow."""
    stack = [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        yield node, depth
        match node:
            case Negate(operand):
                stack.append((operand, depth + 1))
            case Binary(_, left, right):
                stack += [(left, depth + 1), (right, depth + 1)]
            case Call(_, args):
                stack += [(arg, depth + 1) for arg in args]


# --- parser -------------------------------------------------------------------------------------

# One binding power per XPath 1.0 precedence level, so this table *is* the precedence spec.
_BINDING = {
    "or": 1,
    "and": 2,
    "=": 3,
    "!=": 3,
    "<": 4,
    "<=": 4,
    ">": 4,
    ">=": 4,
    "+": 5,
    "-": 5,
    "*": 6,
    "div": 6,
    "mod": 6,
}
_UNARY_BINDING = 7


def _bare_word_message(word: str) -> Text:
    if word in _ARITY:
        call = f"{word}({'…' if _ARITY[word] else ''})"
        return Text(f"{word} 是函数；请写 {call}", f"{word} is a function; write {call}")
    if word in _WORD_OPERATORS:
        return Text(f"“{word}”前面需要一个值", f"'{word}' needs a value before it")
    return Text(
        f"未知的名称“{word}”；引用问题请写 ${{{word}}}，文字请加引号写成 '{word}'",
        f"unknown name '{word}'; refer to a question as ${{{word}}} or quote text as '{word}'",
    )


class _Parser:
    def __init__(self, src: str) -> None:
        self.tokens = _tokenize(src)
        self.i = 0
        self.depth = 0

    def peek(self) -> _Token:
        return self.tokens[self.i]

    def next(self) -> _Token:
        tok = self.tokens[self.i]
        if tok.kind != "end":
            self.i += 1
        return tok

    def parse(self) -> Node:
        if self.peek().kind == "end":
            raise ExpressionError(Text("表达式是空的", "empty expression"), 0)
        tree = self.expr(0)
        tok = self.peek()
        if tok.kind == ")":
            raise ExpressionError(Text("多余的“)”", "unmatched ')'"), tok.pos)
        if tok.kind == "name" and tok.text.lower() in _WORD_OPERATORS:
            raise ExpressionError(
                Text(
                    f"运算符要用小写：请写 {tok.text.lower()!r}", f"operators are lowercase: write {tok.text.lower()!r}"
                ),
                tok.pos,
            )
        if tok.kind != "end":
            raise ExpressionError(
                Text(
                    f"完整的表达式后面出现了意外的 {tok.text!r}；是否缺少运算符？",
                    f"unexpected {tok.text!r} after a complete expression; missing operator?",
                ),
                tok.pos,
            )
        return tree

    def expr(self, min_binding: int) -> Node:
        self.depth += 1
        if self.depth > _MAX_DEPTH:
            raise ExpressionError(Text("表达式嵌套太深", "expression is nested too deeply"), self.peek().pos)
        left = self.operand()
        while True:
            tok = self.peek()
            binding = _BINDING.get(tok.text, 0) if tok.kind in ("op", "name") else 0
            if binding <= min_binding:  # '<=' makes equal levels left-associative
                break
            self.next()
            left = Binary(tok.text, left, self.expr(binding))
        self.depth -= 1
        return left

    def operand(self) -> Node:
        tok = self.next()
        if tok.kind in ("num", "str"):
            return Const(tok.value)
        if tok.kind == "ref":
            return Ref(str(tok.value))
        if tok.kind == "dot":
            return Current()
        if tok.kind == "op" and tok.text == "-":
            return Negate(self.expr(_UNARY_BINDING))
        if tok.kind == "(":
            inner = self.expr(0)
            self.close(tok)
            return inner
        if tok.kind == "name":
            if self.peek().kind == "(":
                return self.call(tok)
            raise ExpressionError(_bare_word_message(tok.text), tok.pos)
        if tok.kind == "end":
            raise ExpressionError(
                Text("表达式过早结束：缺少一个值", "expression ends too early: a value is missing"), tok.pos
            )
        raise ExpressionError(
            Text(f"这里应是一个值，却是 {tok.text!r}", f"expected a value but found {tok.text!r}"), tok.pos
        )

    def call(self, name_tok: _Token) -> Call:
        name = name_tok.text
        if name not in _ARITY:  # checked before the arguments so the error points at the name
            supported = ", ".join(f"{n}()" for n in sorted(_ARITY))
            raise ExpressionError(
                Text(
                    f"未知的函数“{name}()”；支持：{supported}", f"unknown function '{name}()'; supported: {supported}"
                ),
                name_tok.pos,
            )
        opening = self.next()
        args: list[Node] = []
        if self.peek().kind != ")":
            args.append(self.expr(0))
            while self.peek().kind == ",":
                self.next()
                args.append(self.expr(0))
        self.close(opening, name, "',' or ')'" if args else "')'")
        if len(args) != (expected := _ARITY[name]):
            raise ExpressionError(
                Text(
                    f"{name}() 需要 {expected} 个参数，实际给了 {len(args)} 个",
                    f"{name}() takes {expected} argument{'' if expected == 1 else 's'}, got {len(args)}",
                ),
                name_tok.pos,
            )
        return Call(name, tuple(args))

    def close(self, opening: _Token, function: str = "", expected: str = "')'") -> None:
        tok = self.next()
        if tok.kind == "end":
            raise ExpressionError(
                Text(f"{function}() 的“(”没有闭合", f"unclosed '(' of {function}()")
                if function
                else Text("“(”没有闭合", "unclosed '('"),
                opening.pos,
            )
        if tok.kind != ")":
            where = Text(f"{function}() 中", f" in {function}()") if function else Text("", "")
            raise ExpressionError(
                Text(
                    f"{where.zh}这里应是 {expected}，却是 {tok.text!r}",
                    f"expected {expected}{where.en} but found {tok.text!r}",
                ),
                tok.pos,
            )


# --- XPath value conversions --------------------------------------------------------------------

_EPOCH = datetime.date(1970, 1, 1)
_EPOCH_DT = datetime.datetime(1970, 1, 1)
# XPath's Number production: no sign other than '-', no exponent, no inf/nan, ASCII digits only;
# float() alone would accept '1e3', 'inf' and '1_000'.
_NUMERIC = re.compile(r"\s*-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)\s*")
_ISO_DATE = re.compile(r"\s*([0-9]{4})-([0-9]{2})-([0-9]{2})\s*")
# ODK stores times with a UTC offset; it is accepted and ignored, comparing wall-clock times.
_ISO_TIME = re.compile(
    r"\s*([0-9]{1,2}):([0-9]{2})(?::([0-9]{2})(?:\.([0-9]{1,6})[0-9]*)?)?"
    r"(?:Z|[+-][0-9]{2}:?[0-9]{2})?\s*"
)


def _is_number(v: object) -> bool:
    return isinstance(v, numbers.Number) and not isinstance(v, bool)


def _number(v: object) -> int | float:
    if v is None:
        return math.nan
    if isinstance(v, bool):
        return int(v)
    if isinstance(v, (int, float)):
        return v
    if isinstance(v, str):
        return float(v.strip()) if _NUMERIC.fullmatch(v) else math.nan
    # ODK turns dates into day numbers, which is what makes date arithmetic and ordering work.
    if isinstance(v, datetime.datetime):
        return (v.replace(tzinfo=None) - _EPOCH_DT).total_seconds() / 86400
    if isinstance(v, datetime.date):
        return (v - _EPOCH).days
    if isinstance(v, datetime.time):
        return (v.hour * 3600 + v.minute * 60 + v.second + v.microsecond / 1e6) / 86400
    try:  # e.g. Decimal; anything unconvertible is simply not a number, never an error
        return float(v)  # type: ignore[arg-type]
    except (TypeError, ValueError, OverflowError):
        return math.nan


def _string(v: object) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        if math.isnan(v) or math.isinf(v):
            return "NaN" if math.isnan(v) else "Infinity" if v > 0 else "-Infinity"
        # repr gives the shortest round-tripping digits; XPath never prints exponent notation.
        return str(int(v)) if v.is_integer() else format(Decimal(repr(v)), "f")
    if isinstance(v, (datetime.datetime, datetime.time)):
        return v.isoformat(timespec="seconds")
    if isinstance(v, datetime.date):
        return v.isoformat()
    return str(v)


def _boolean(v: object) -> bool:
    if v is None:
        return False
    if isinstance(v, bool):
        return v
    if isinstance(v, (datetime.date, datetime.time)):
        return True
    if _is_number(v):
        n = _number(v)
        return n == n and n != 0  # NaN is the only value unequal to itself
    return _string(v) != ""


def _parse_temporal(text: str, like: object) -> datetime.date | datetime.time | None:
    """text as a date/time of the same kind as like, or None if it does not read as one."""
    try:
        if isinstance(like, datetime.date) and (m := _ISO_DATE.fullmatch(text)):
            return datetime.date(*map(int, m.groups()))
        if isinstance(like, datetime.time) and (m := _ISO_TIME.fullmatch(text)):
            hour, minute, second, fraction = m.groups()
            return datetime.time(int(hour), int(minute), int(second or 0), int((fraction or "0").ljust(6, "0")))
    except ValueError:  # '2024-02-30' or '25:00' is text that merely looks like a date/time
        pass
    return None


def _coerce(value: object, partner: object) -> int | float:
    """number(value), except that text facing a date/time is read as one: stored answers and
    literals like '2024-01-31' arrive as strings while today() and date questions yield dates."""
    parsed = _parse_temporal(value, partner) if isinstance(value, str) else None
    return _number(value if parsed is None else parsed)


def _equals(a: object, b: object) -> bool:
    # XPath 1.0 §3.4 priority for non-node-set operands: boolean, then number, then string;
    # dates/times (an ODK extension) slot in before string so '2024-01-31' = today() works.
    if isinstance(a, bool) or isinstance(b, bool):
        return _boolean(a) == _boolean(b)
    if _is_number(a) or _is_number(b):
        return _number(a) == _number(b)
    if isinstance(a, (datetime.date, datetime.time)) or isinstance(b, (datetime.date, datetime.time)):
        x, y = _coerce(a, b), _coerce(b, a)
        if x == x and y == y:
            return x == y
    return _string(a) == _string(b)


def _divide(x: int | float, y: int | float) -> float:
    if y == 0:  # IEEE results as in XPath; a form must never crash on an unanswered divisor
        if x == 0 or math.isnan(x):
            return math.nan
        return math.copysign(math.inf, x) * math.copysign(1.0, y)
    return x / y


def _modulo(x: int | float, y: int | float) -> int | float:
    # XPath mod truncates (the result takes the dividend's sign), unlike Python's floored '%'.
    if type(x) is int and type(y) is int:
        if y == 0:
            return math.nan
        r = abs(x) % abs(y)
        return -r if x < 0 else r
    if y == 0 or math.isnan(x) or math.isnan(y) or math.isinf(x):
        return math.nan  # math.fmod raises on these instead of returning NaN
    return math.fmod(x, y)


_RELATIONAL: dict[str, Callable[[float, float], bool]] = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}
_ARITHMETIC: dict[str, Callable[[int | float, int | float], int | float]] = {
    "+": operator.add,
    "-": operator.sub,
    "*": operator.mul,
    "div": _divide,
    "mod": _modulo,
}


# --- evaluator ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Context:
    lookup: Callable[[str], object]
    current: object
    today: datetime.date | None


def _evaluate(node: Node, ctx: _Context) -> object:
    match node:
        case Const(value):
            return value
        case Ref(name):
            return ctx.lookup(name)
        case Current():
            return ctx.current
        case Negate(operand):
            n = _number(_evaluate(operand, ctx))
            return -n if n else -float(n)  # -0.0 keeps 1 div -0 = -Infinity, as XPath doubles do
        case Binary("or", left, right):
            return _boolean(_evaluate(left, ctx)) or _boolean(_evaluate(right, ctx))
        case Binary("and", left, right):
            return _boolean(_evaluate(left, ctx)) and _boolean(_evaluate(right, ctx))
        case Binary(op, left, right):
            a, b = _evaluate(left, ctx), _evaluate(right, ctx)
            if op == "=":
                return _equals(a, b)
            if op == "!=":
                return not _equals(a, b)  # so NaN != 5 is true, as in XPath
            x, y = _coerce(a, b), _coerce(b, a)
            if op in _RELATIONAL:
                return _RELATIONAL[op](x, y)
            try:
                return _ARITHMETIC[op](x, y)
            except OverflowError:  # an int beyond float range; XPath has no error value to raise
                return math.nan
        case Call(name, args):
            return _call(name, args, ctx)
    raise TypeError(f"not an expression node: {node!r}")


_SIMPLE_FUNCTIONS: dict[str, Callable[..., object]] = {
    "not": lambda value: not _boolean(value),
    "selected": lambda items, item: _string(item).strip() in _string(items).split(),
    "count-selected": lambda items: len(_string(items).split()),
    "string-length": lambda text: len(_string(text)),
    "true": lambda: True,
    "false": lambda: False,
}


def _call(name: str, args: tuple[Node, ...], ctx: _Context) -> object:
    # if() and coalesce() evaluate lazily so an unused branch never calls lookup().
    if name == "if":
        return _evaluate(args[1] if _boolean(_evaluate(args[0], ctx)) else args[2], ctx)
    if name == "coalesce":
        first = _evaluate(args[0], ctx)
        return first if _string(first) != "" else _evaluate(args[1], ctx)
    if name == "today":
        return ctx.today if ctx.today is not None else datetime.date.today()
    return _SIMPLE_FUNCTIONS[name](*(_evaluate(arg, ctx) for arg in args))


# --- public API ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Expression:
    """A compiled expression; immutable and safe to share and cache."""

    source: str
    refs: frozenset[str]
    uses_current: bool
    _tree: Node = field(repr=False, compare=False)

    def evaluate(
        self, lookup: Callable[[str], object], current: object = None, today: datetime.date | None = None
    ) -> object:
        """Value of the expression. lookup(name) answers ${name} (None when unanswered); its own
        exceptions propagate, but no answer value can make evaluation raise."""
        return _evaluate(self._tree, _Context(lookup, current, today))

    def truthy(
        self, lookup: Callable[[str], object], current: object = None, today: datetime.date | None = None
    ) -> bool:
        """XPath boolean() of evaluate(): what relevant and constraint columns mean."""
        return _boolean(self.evaluate(lookup, current, today))


def compile_expression(text: str) -> Expression:
    """Parse text; raises ExpressionError on any syntax error or unsupported function."""
    tree = _Parser(text).parse()
    nodes = list(_walk(tree))
    # Long left-associative chains (a or b or c …) parse in a loop but evaluate recursively.
    if max(depth for _, depth in nodes) > _MAX_DEPTH:
        raise ExpressionError(
            Text(
                "表达式嵌套太深；请把它拆成几个 calculate 行",
                "expression is nested too deeply; split it into calculate rows",
            )
        )
    refs = frozenset(node.name for node, _ in nodes if isinstance(node, Ref))
    uses_current = any(isinstance(node, Current) for node, _ in nodes)
    return Expression(text, refs, uses_current, tree)
