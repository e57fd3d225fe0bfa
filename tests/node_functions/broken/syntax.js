exports.handler = async (event) => {
  return { unfinished: 
};
