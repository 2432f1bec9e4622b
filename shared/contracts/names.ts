/** How contract documents are named from their titles (no schema library: cheap to import). */

/** "Connect User Created" → "connect-user-created", "EmployeeHired" → "employee-hired". */
export const fileNameOf = (title: string): string =>
  title
    .replace(/([a-z0-9])([A-Z])/g, "$1-$2")
    .replace(/[^A-Za-z0-9]+/g, "-")
    .toLowerCase();

/** "Connect User Created" → "ConnectUserCreated": a name for code (the registry, AsyncAPI). */
export const pascalNameOf = (title: string): string =>
  title.replace(/(?:^|\s+)(\w)/g, (_, letter: string) => letter.toUpperCase());
