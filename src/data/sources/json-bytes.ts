/**
 * A strict, fast reader for JSON files of the shape {"<key>": [[n, n, ...], ...]} holding
 * integers 0..255 (the fashion-mnist package's per-class files): it scans the bytes once
 * into a Uint8Array instead of building JavaScript arrays of numbers. Anything else (another
 * shape, a row of the wrong length, a non-integer, a value out of range) fails with a
 * DataError naming the dataset, the file, the row and the value.
 */
import { show } from "../../errors.js";
import { dataFail } from "../validate.js";

const SPACE = new Uint8Array(256);
for (const c of [0x20, 0x09, 0x0a, 0x0d]) SPACE[c] = 1;

export interface ByteRows {
  /** The rows' values, concatenated. */
  values: Uint8Array;
  /** Rows read (empty rows excluded). */
  rows: number;
  /** Positions of empty rows `[]`, which hold no sample and are left out. */
  emptyRows: number[];
}

/**
 * Reads {"<key>": [[v, v, ...], [...], ...]} where every row has `rowLength` integers 0..255
 * (or is empty). One pass over the bytes, no intermediate JavaScript arrays.
 */
export function readByteRowsJson(
  bytes: Uint8Array,
  key: string,
  rowLength: number,
  dataset: string,
  file: string,
): ByteRows {
  let i = 0;
  const n = bytes.length;
  const skip = () => {
    while (i < n && SPACE[bytes[i]]) i++;
  };
  const here = () => (i < n ? String.fromCharCode(bytes[i]) : "end of file");
  const fail = (what: string, expected: string, index?: number): never =>
    dataFail(dataset, file, `${what} (byte ${i})`, { index, value: here(), expected });
  const expect = (s: string, expected: string) => {
    skip();
    for (let k = 0; k < s.length; k++, i++)
      if (bytes[i] !== s.charCodeAt(k)) fail(`has ${show(here())}`, expected);
  };
  expect("{", `a JSON object {"${key}": [[...], ...]}`);
  expect(`"${key}"`, `the key "${key}"`);
  expect(":", '":"');
  expect("[", `an array of rows under "${key}"`);
  const out = new Uint8Array(Math.ceil(n / 2));
  let count = 0;
  let row = 0;
  let rows = 0;
  const emptyRows: number[] = [];
  skip();
  if (bytes[i] === 0x5d) i++;
  else
    for (; ; row++) {
      expect("[", `row ${row} as an array of ${rowLength} integers`);
      skip();
      let len = 0;
      if (bytes[i] === 0x5d) i++;
      else {
        // hot loop: digits, commas and whitespace, inlined
        let v = 0;
        let digits = 0;
        for (;;) {
          const c = i < n ? bytes[i] : 0;
          if (c >= 0x30 && c <= 0x39) {
            v = v * 10 + c - 0x30;
            digits++;
          } else if (c === 0x2c || c === 0x5d) {
            if (digits === 0 || v > 255)
              dataFail(
                dataset,
                file,
                `row ${row} value ${len} is not an integer in 0..255 (byte ${i})`,
                {
                  index: row,
                  value: digits === 0 ? here() : v,
                  expected: "integers 0..255",
                },
              );
            if (len < rowLength) out[count + len] = v;
            len++;
            v = 0;
            digits = 0;
            if (c === 0x5d) {
              i++;
              break;
            }
          } else if (!SPACE[c]) {
            dataFail(
              dataset,
              file,
              `row ${row} value ${len} is not an integer in 0..255 (byte ${i})`,
              {
                index: row,
                value: here(),
                expected: "integers 0..255",
              },
            );
          } else if (digits > 0) {
            // whitespace after a number: the next character must end it
            i++;
            while (i < n && SPACE[bytes[i]]) i++;
            if (bytes[i] !== 0x2c && bytes[i] !== 0x5d)
              fail(`row ${row} has an unexpected character`, '"," or "]"', row);
            continue;
          }
          i++;
        }
      }
      if (len === 0) emptyRows.push(row);
      else if (len !== rowLength)
        dataFail(dataset, file, `row ${row} has ${len} values`, {
          index: row,
          value: len,
          expected: `${rowLength} values per row`,
        });
      else {
        count += rowLength;
        rows++;
      }
      skip();
      if (bytes[i] === 0x2c) {
        i++;
        continue;
      }
      if (bytes[i] === 0x5d) {
        i++;
        break;
      }
      fail("has an unexpected character between rows", '"," or "]"');
    }
  expect("}", `the end of the object after "${key}"`);
  skip();
  if (i !== n) fail("has trailing content", "the end of the file");
  return { values: out.slice(0, count), rows, emptyRows };
}
