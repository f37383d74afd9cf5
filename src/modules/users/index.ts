export { revokeUserSessions } from "./access";
export { burnPasswordCheck, hashPassword, passwordProblems, verifyPassword } from "./passwords";
export { EmailSchema, PasswordSchema, toUserResponse, UserSchema } from "./schemas";
export { contactOf, getUser } from "./service";
