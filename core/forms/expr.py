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
import operator
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TypeAlias

from yingzao.core.errors import Text
from yingzao.core.forms import functions
from yingzao.core.forms.functions import regex_problem
from yingzao.core.forms.xpath_values import is_number as _is_number
from yingzao.core.forms.xpath_values import parse_temporal as _parse_temporal
from yingzao.core.forms.xpath_values import to_boolean as _boolean
from yingzao.core.forms.xpath_values import to_number as _number
from yingzao.core.forms.xpath_values import to_string as _string

__all__ = ["KNOWN_FUNCTIONS", "Expression", "ExpressionError", "compile_expression"]

# (fewest, most) arguments; None: any number. XPath lets some functions (string-length()) default
# to the context node, which in a form almost always means a forgotten argument rather than an
# intent to read '.', so only the ODK functions that really take optional arguments have a range.
_ARITY: dict[str, tuple[int, int | None]] = {
    "not": (1, 1),
    "selected": (2, 2),
    "count-selected": (1, 1),
    "string-length": (1, 1),
    "if": (3, 3),
    "coalesce": (2, 2),
    "today": (0, 0),
    "now": (0, 0),
    "true": (0, 0),
    "false": (0, 0),
    "concat": (1, None),
    "substr": (2, 3),
    "contains": (2, 2),
    "starts-with": (2, 2),
    "ends-with": (2, 2),
    "round": (1, 2),
    "int": (1, 1),
    "number": (1, 1),
    "string": (1, 1),
    "date": (1, 1),
    "decimal-date-time": (1, 1),
    "format-date": (2, 2),
    "jr:choice-name": (2, 2),
    "regex": (2, 2),
    "once": (1, 1),
    "position": (0, 0),  # written position(..): the parent step is its only allowed argument
    # over the instances of a repeat: the argument names a question (or the repeat) with ${…}
    "count": (1, 1),
    "sum": (1, 1),
    "indexed-repeat": (3, 3),
}
_NODESET_ARGUMENTS = {"count": (0,), "sum": (0,), "indexed-repeat": (0, 1)}
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
        elif src.startswith("..", i) and not src.startswith("...", i) and not src.startswith("../", i):
            tokens.append(_Token("parent", "..", i))
            i += 2
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
class Field:
    """A column of the choice being filtered (choice_filter): `name`, or a custom column like `district`."""

    name: str


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


Node: TypeAlias = Const | Ref | Current | Field | Negate | Binary | Call


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
        call = f"{word}({'…' if _ARITY[word][1] != 0 else ''})"
        return Text(f"{word} 是函数；请写 {call}", f"{word} is a function; write {call}")
    if word in _WORD_OPERATORS:
        return Text(f"“{word}”前面需要一个值", f"'{word}' needs a value before it")
    return Text(
        f"未知的名称“{word}”；引用问题请写 ${{{word}}}，文字请加引号写成 '{word}'",
        f"unknown name '{word}'; refer to a question as ${{{word}}} or quote text as '{word}'",
    )


class _Parser:
    def __init__(self, src: str, fields: frozenset[str] | None = None) -> None:
        self.tokens = _tokenize(src)
        self.i = 0
        self.depth = 0
        self.fields = fields  # a choice_filter: bare words naming these columns read the choice

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
            if self.fields is not None and tok.text.lower() in self.fields:
                return Field(tok.text.lower())
            raise ExpressionError(_bare_word_message(tok.text), tok.pos)
        if tok.kind == "parent":
            raise ExpressionError(_PATH_HINT, tok.pos)
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
        if name == "position" and self.peek().kind == "parent":
            self.next()  # position(..): the index of the enclosing repeat instance
        elif self.peek().kind != ")":
            args.append(self.expr(0))
            while self.peek().kind == ",":
                self.next()
                args.append(self.expr(0))
        self.close(opening, name, "',' or ')'" if args else "')'")
        fewest, most = _ARITY[name]
        if len(args) < fewest or (most is not None and len(args) > most):
            if most is None:
                zh, en = f"至少 {fewest} 个", f"at least {fewest} argument{'' if fewest == 1 else 's'}"
            elif fewest == most:
                zh, en = f"{fewest} 个", f"{fewest} argument{'' if fewest == 1 else 's'}"
            else:
                zh, en = f"{fewest} 到 {most} 个", f"{fewest} to {most} arguments"
            raise ExpressionError(
                Text(f"{name}() 需要 {zh}参数，实际给了 {len(args)} 个", f"{name}() takes {en}, got {len(args)}"),
                name_tok.pos,
            )
        for index in _NODESET_ARGUMENTS.get(name, ()):
            if not isinstance(args[index], Ref):
                raise ExpressionError(
                    Text(
                        f"{name}() 的第 {index + 1} 个参数须是 ${{问题名}}（重复组或其中的问题）",
                        f"argument {index + 1} of {name}() must be a ${{name}} (a repeat or a question in one)",
                    ),
                    name_tok.pos,
                )
        if name == "regex" and isinstance(args[1], Const):
            why = regex_problem(str(args[1].value))  # a literal pattern is checked when the form loads
            if why is not None:
                raise ExpressionError(why, name_tok.pos)
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


# --- XPath value conversions (xpath_values) ----------------------------------------------------


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
    fields: Mapping[str, object] | None = None
    choice_name: Callable[[str, object], str] | None = None
    position: int = 1
    nodeset: Callable[[str], list[object]] | None = None  # a question's values over its repeat's instances


def _evaluate(node: Node, ctx: _Context) -> object:
    match node:
        case Const(value):
            return value
        case Ref(name):
            return ctx.lookup(name)
        case Current():
            return ctx.current
        case Field(name):
            return (ctx.fields or {}).get(name)
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
    "concat": lambda *parts: "".join(_string(p) for p in parts),
    "contains": lambda text, part: _string(part) in _string(text),
    "starts-with": lambda text, part: _string(text).startswith(_string(part)),
    "ends-with": lambda text, part: _string(text).endswith(_string(part)),
    "number": _number,
    "string": _string,
    **functions.SIMPLE,
}


def _call(name: str, args: tuple[Node, ...], ctx: _Context) -> object:
    # if() and coalesce() evaluate lazily so an unused branch never calls lookup().
    if name == "if":
        return _evaluate(args[1] if _boolean(_evaluate(args[0], ctx)) else args[2], ctx)
    if name == "coalesce":
        first = _evaluate(args[0], ctx)
        return first if _string(first) != "" else _evaluate(args[1], ctx)
    if name == "once":  # a value once set is kept: a calculation like once(now()) records the first visit
        return ctx.current if _string(ctx.current) != "" else _evaluate(args[0], ctx)
    if name == "today":
        return ctx.today if ctx.today is not None else datetime.date.today()
    if name == "now":
        return datetime.datetime.now().replace(microsecond=0)
    if name == "position":
        return ctx.position
    if name in _NODESET_ARGUMENTS:
        return _over_instances(name, args, ctx)
    if name == "jr:choice-name":
        value, where = (_evaluate(arg, ctx) for arg in args)
        question = functions.question_named(_string(where))
        if ctx.choice_name is None or question is None:
            return ""
        return ctx.choice_name(question, value)
    return _SIMPLE_FUNCTIONS[name](*(_evaluate(arg, ctx) for arg in args))


def _over_instances(name: str, args: tuple[Node, ...], ctx: _Context) -> object:
    """count(), sum() and indexed-repeat(): what ${q} names is every instance's value of q (a question
    outside any repeat is a single value; a repeat's name, its instances)."""
    ref = args[0]
    assert isinstance(ref, Ref)  # checked when compiled
    values = ctx.nodeset(ref.name) if ctx.nodeset is not None else [ctx.lookup(ref.name)]
    if name == "count":
        return len(values)
    if name == "sum":
        # an unanswered instance adds nothing, so a running total shows while instances are filled
        return math.fsum(_number(v) for v in values if _string(v) != "")
    index = _number(_evaluate(args[2], ctx))
    if index != index or not float(index).is_integer() or not 1 <= index <= len(values):
        return ""
    return values[int(index) - 1]


# --- public API ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Expression:
    """A compiled expression; immutable and safe to share and cache."""

    source: str
    refs: frozenset[str]
    uses_current: bool
    _tree: Node = field(repr=False, compare=False)

    def evaluate(
        self,
        lookup: Callable[[str], object],
        current: object = None,
        today: datetime.date | None = None,
        *,
        fields: Mapping[str, object] | None = None,
        choice_name: Callable[[str, object], str] | None = None,
        position: int = 1,
        nodeset: Callable[[str], list[object]] | None = None,
    ) -> object:
        """Value of the expression. lookup(name) answers ${name} (None when unanswered); its own
        exceptions propagate, but no answer value can make evaluation raise. `fields`: the columns
        of the choice a choice_filter is deciding on; `choice_name(question, value)`: the label
        jr:choice-name() shows; `position`: what position(..) is (the 1-based index of the repeat
        instance being evaluated); `nodeset(name)`: the values count(), sum() and indexed-repeat()
        read, one per instance."""
        return _evaluate(self._tree, _Context(lookup, current, today, fields, choice_name, position, nodeset))

    def truthy(
        self,
        lookup: Callable[[str], object],
        current: object = None,
        today: datetime.date | None = None,
        *,
        fields: Mapping[str, object] | None = None,
        choice_name: Callable[[str, object], str] | None = None,
        position: int = 1,
        nodeset: Callable[[str], list[object]] | None = None,
    ) -> bool:
        """XPath boolean() of evaluate(): what relevant and constraint columns mean."""
        return _boolean(
            self.evaluate(
                lookup, current, today, fields=fields, choice_name=choice_name, position=position, nodeset=nodeset
            )
        )


def compile_expression(text: str, fields: frozenset[str] | None = None) -> Expression:
    """Parse text; raises ExpressionError on any syntax error or unsupported function. `fields`:
    the (lower-case) choice columns a choice_filter may name as bare words."""
    tree = _Parser(text, fields).parse()
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
