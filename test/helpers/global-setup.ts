// Replaced by the fixture generator's setup: builds test footage once before all test files.
export default async function setup(): Promise<void> {}
