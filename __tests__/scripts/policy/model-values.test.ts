/**
 * How the rules read number and bool arguments: as Terraform converts them ("Type Conversion"
 * in the Terraform language docs), so "50" is 50 and "false" is false, while an expression, a
 * word or a list is nothing the rules can judge.
 */
import fc from "fast-check";
import { asBool, asNumber } from "../../../scripts/policy/model";

describe("asNumber", () => {
  it("reads a finite number as itself", () => {
    fc.assert(fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (n) => Object.is(asNumber(n), n)));
  });

  it("reads the decimal text of an integer as that integer", () => {
    fc.assert(fc.property(fc.integer(), (n) => asNumber(String(n)) === n));
  });

  it("reads fractions and exponents", () => {
    expect([asNumber("1.5"), asNumber("-0.25"), asNumber("3e2"), asNumber("1E-1")]).toEqual([1.5, -0.25, 300, 0.1]);
  });

  it("reads NaN, which fails every comparison, from NaN, infinities, expressions, words, blanks, padded text, lists or null", () => {
    for (const value of [NaN, Infinity, -Infinity, "${var.limit}", "fifty", "", " 5", "5 ", "0x10", "+5", ".5", [5], null, undefined, true]) {
      expect(asNumber(value)).toBeNaN();
    }
  });
});

describe("asBool", () => {
  it("reads true and \"true\" as true, false and \"false\" as false", () => {
    expect([asBool(true), asBool("true"), asBool(false), asBool("false")]).toEqual([true, true, false, false]);
  });

  it("reads no bool from anything else", () => {
    for (const value of ["True", "FALSE", "1", "0", 1, 0, "", "${var.on}", null, undefined, [true]]) expect(asBool(value)).toBeUndefined();
  });
});
