// Raw HTTP/1.1 over a socket lives with the contract tester, which sends such requests
// to any target; tests import it from here too.
export * from "../../src/contract/raw-http.js";
