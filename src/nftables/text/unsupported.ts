// The printer's internal refusal: a JSON kind with no text form nlkit knows.
// rulesetToNftText turns it into an NftJsonUnsupportedError naming the object.

/** Raised inside the printer for a JSON kind it does not know (never a guess). */
export class NftTextUnsupported extends Error {}
