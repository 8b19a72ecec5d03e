/** Run by jest in every test file (setupFilesAfterEnv): its temporary folders go when it ends. */
import { removeTempDirs } from "./temp-dir";

afterAll(removeTempDirs);
