/** The rules the SDK checks a request's numbers against, for UI that checks fields where they enter (the elements' attributes). */
export { REQUEST_RULES, type ValueRule } from '../worker/protocol/validate.ts';
