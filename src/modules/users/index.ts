export { revokeUserSessions } from "./access";
export { burnPasswordCheck, hashPassword, passwordProblems, verifyPassword } from "./passwords";
export { EmailSchema, PasswordSchema, toUserResponse, UserSchema } from "./schemas";
export { getUser } from "./service";
