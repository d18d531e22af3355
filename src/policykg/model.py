"""The record: what policykg extracts from one letter record.

Every fact keeps the character span it came from, as offsets into the decoded text of
the source file (``SourceText.text``), so ``text[start:end] == mention.text`` always holds.
``LetterRecord.to_json()`` is the public JSON contract documented in the README.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any, Literal

from .ids import key_hash

Kind = Literal["reply", "proposal", "unknown"]


@dataclass(frozen=True, slots=True)
class Mention:
    """A surface form and where it sits in the source text (``end`` is exclusive)."""

    text: str
    start: int
    end: int


@dataclass(slots=True)
class AgencyRef:
    """A public body named in a role (signatory, lead, co-handling, cc, proposer)."""

    name: str  # canonical full name when resolved, else the text as written
    text: str  # as written
    start: int
    end: int
    jurisdiction: str | None = None


@dataclass(slots=True)
class Session:
    """A meeting of a people's congress or CPPCC, e.g. 市政协七届一次会议."""

    text: str
    body: str  # 市政协, 自治区政协, 省人大 ...
    term: int | None
    meeting: int | None
    start: int
    end: int


@dataclass(slots=True)
class Suggestion:
    label: str  # 建议一, 第二 ...
    text: str
    start: int
    end: int
    index: int  # 1-based order in the proposal


@dataclass(slots=True)
class Proposal:
    number: str | None = None
    number_mention: Mention | None = None
    number_variants: list[Mention] = field(default_factory=list)
    session: Session | None = None
    title: str | None = None
    title_mention: Mention | None = None
    proposers: list[Mention] = field(default_factory=list)
    proposer_kind: Literal["person", "body", None] = None
    handling_type: str | None = None  # 办理类型
    lead_agency: AgencyRef | None = None
    co_agencies: list[AgencyRef] = field(default_factory=list)
    suggestions: list[Suggestion] = field(default_factory=list)


@dataclass(slots=True)
class Reply:
    agency: AgencyRef | None = None
    date: str | None = None  # ISO yyyy-mm-dd
    date_mention: Mention | None = None
    cc: list[AgencyRef] = field(default_factory=list)
    disclosure: str | None = None
    disclosure_mention: Mention | None = None
    self_document_number: str | None = None
    addressee: Mention | None = None


@dataclass(slots=True)
class PolicyDocument:
    """A document the letter refers to, by number, by title, or both."""

    number: str | None  # normalised to 〔〕
    title: str | None
    issuer: str | None = None
    issuer_inferred: bool = False
    issuer_code: str | None = None
    year: int | None = None
    serial: str | None = None
    jurisdiction: str | None = None
    aliases: list[str] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)


@dataclass(slots=True)
class Amount:
    text: str
    value_cny: Decimal
    start: int
    end: int


@dataclass(slots=True)
class Fund:
    name: str
    amount: str | None  # as written
    amount_cny: Decimal | None
    mentions: list[Mention] = field(default_factory=list)


@dataclass(slots=True)
class Agency:
    name: str  # canonical
    jurisdiction: str | None
    mentions: list[Mention] = field(default_factory=list)
    known: bool = False  # found in the gazetteer (vs. recognised by pattern only)


@dataclass(slots=True)
class Organization:
    name: str
    mentions: list[Mention] = field(default_factory=list)


@dataclass(slots=True)
class Measure:
    """A numbered section of a reply or an enumerated action inside one."""

    label: str  # 一、 / （一） / 一是
    path: str  # 1, 1.2, 1.2.3 — position in the section tree
    title: str
    start: int
    end: int
    level: int
    suggestion_index: int | None = None  # 1-based suggestion of the proposal it answers
    documents: list[str] = field(default_factory=list)  # document keys
    funds: list[str] = field(default_factory=list)
    agencies: list[str] = field(default_factory=list)


@dataclass(slots=True)
class DataWarning:
    code: str
    message: str
    start: int | None = None
    end: int | None = None


@dataclass(slots=True)
class LetterRecord:
    source: str  # the file as given on the command line
    source_key: str  # the file relative to the folder it was found in: the letter's identity
    record_index: int
    start: int  # span of this record inside the file
    end: int
    kind: Kind
    content_hash: str
    encoding: str | None = None
    proposal: Proposal = field(default_factory=Proposal)
    reply: Reply = field(default_factory=Reply)
    policy_documents: list[PolicyDocument] = field(default_factory=list)
    funds: list[Fund] = field(default_factory=list)
    agencies: list[Agency] = field(default_factory=list)
    organizations: list[Organization] = field(default_factory=list)
    amounts: list[Amount] = field(default_factory=list)
    measures: list[Measure] = field(default_factory=list)
    warnings: list[DataWarning] = field(default_factory=list)
    jurisdiction: str | None = None  # the letter's own jurisdiction, e.g. 深圳市
    proposal_key: str | None = None  # set by resolve.link_corpus: one key per real proposal

    @property
    def record_id(self) -> str:
        """Stable identity of this record: where its file sits, and its index in the file.

        The content hash is kept beside it, so a changed letter keeps its identity and
        its graph can be replaced.
        """
        return f"{key_hash(self.source_key)[:12]}-{self.record_index}"

    def warn(self, code: str, message: str, start: int | None = None, end: int | None = None) -> None:
        self.warnings.append(DataWarning(code, message, start, end))

    def to_json(self) -> dict[str, Any]:
        """Return the public JSON form (decimals as strings, spans as {text,start,end})."""
        return _jsonable(asdict(self)) | {"record_id": self.record_id}


def _jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value
